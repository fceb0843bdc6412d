"""Import rows held for a county check: the row's ID number is registered in the county
outside the importer's reach. The importer is told only that the row went to a county check;
whoever reads both the import's node and the record it matches (a county admin, usually) sees
the pair and resolves it — moves the person, or tells the importer the row is wrong — and
marks the row resolved. Read in the reader's scope on both sides, in SQL."""

from sqlmodel import select

from core.public import isoformat, not_found, record_audit, scoped, utcnow
from plugins.resident_info.importing.held_notice import settle_when_all_resolved
from plugins.resident_info.models import ImportJob, ImportProblem, Resident
from plugins.resident_info.permissions import PLUGIN

LIMIT = 200


def unresolved_held(access):
    statement = (
        select(ImportProblem, ImportJob, Resident)
        .join(ImportJob, ImportJob.id == ImportProblem.job_id)
        .join(Resident, Resident.id == ImportProblem.other_resident_id)
        .where(ImportProblem.kind == "held", ImportProblem.resolved_at.is_(None))
    )
    return scoped(scoped(statement, access.read, ImportJob.org_path), access.read, Resident.org_path)


def held_rows(db, access):
    """Unresolved held rows this reader can resolve, oldest first."""
    found = db.exec(unresolved_held(access).order_by(ImportProblem.id).limit(LIMIT)).all()
    return [held_json(problem, job, resident) for problem, job, resident in found]


def held_json(problem, job, resident):
    return {
        "id": problem.id,
        "job_id": job.id,
        "line": problem.line,
        "import_org_path": job.org_path,
        "imported_by": job.created_by,
        "imported_at": isoformat(job.created_at),
        "resident": {"id": resident.id, "name": resident.name, "org_path": resident.org_path},
    }


def resolve(db, access, problem_id):
    """Mark a held row resolved (404 unless this reader can see both sides); audited."""
    found = db.exec(unresolved_held(access).where(ImportProblem.id == problem_id)).first()
    if found is None:
        raise not_found("没有找到这条待核对的导入记录，或不在您的管理范围内。")
    problem, job, resident = found
    problem.resolved_by, problem.resolved_at = access.username, utcnow()
    record_audit(
        db,
        f"{PLUGIN}.held_row_resolved",
        actor=access.username,
        target=f"{PLUGIN}_import:{job.id}",
        org_path=job.org_path,
        ip=access.ip,
        detail={"line": problem.line, "resident_id": resident.id},
    )
    db.flush()
    settle_when_all_resolved(db, job, access.username)
    return problem
