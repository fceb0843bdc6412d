"""Import jobs: starting one (settings checked before anything runs), reading its progress
and its report. Running one is ``importing.run``; the pages, API and CLI call these.

Two modes: ``all_or_nothing`` stores nothing unless every row is good; ``valid_rows``
stores the good rows and reports the others. In both, a row whose person is already in
the register (same ID number in the county; without an ID: same name, birth date, grid
and address) is skipped and reported as such — the same file imported twice adds nothing.
"""

import hashlib
from datetime import timedelta

from sqlmodel import delete, select

from core.public import (
    ApiError,
    DataScope,
    isoformat,
    not_found,
    org_node_at,
    org_nodes_in,
    scope_for,
    scope_of_model,
    system_query,
    utcnow,
)
from plugins.resident_info.importing.columns import REQUIRED_FIELDS, known_fields, read_import_file, suggest_mapping
from plugins.resident_info.importing.run import progress_of, runs_here
from plugins.resident_info.models import ImportFile, ImportJob, ImportProblem
from plugins.resident_info.permissions import IMPORT, READ, READ_HEALTH, READ_SENSITIVE
from plugins.resident_info.register import fields
from plugins.resident_info.register.access import Access
from plugins.resident_info.register.validation import county_of

MODES = {"all_or_nothing": "全部正确才导入", "valid_rows": "只导入正确的行"}
STATUS_TITLES = {
    "queued": "排队中",
    "running": "导入中",
    "done": "已完成",
    "rejected": "未导入（有错误行）",
    "failed": "失败",
}
PHASE_TITLES = {"reading": "读取文件", "checking": "检查数据", "writing": "写入"}
STALE_AFTER = timedelta(minutes=30)  # resume.py takes over after 10: this is for when nothing did
INTERRUPTED = "导入中断（服务可能重启过）。已写入的行会保留；用同一文件重新导入即可补齐，已登记的不会重复。"
BY_ID = "one import job by primary key; the caller's scope is checked right after"


def importer_access(actor, ip=""):
    """An importer writes rows where it holds IMPORT (not WRITE), and never sees full values."""
    return Access(
        username=actor.username,
        read=scope_for(actor, READ),
        write=scope_for(actor, IMPORT),
        sensitive=scope_for(actor, READ_SENSITIVE),
        health=scope_for(actor, READ_HEALTH),
        ip=ip,
    )


def preview(filename, content, extra_schema):
    """Headers, the suggested mapping and the fields a column may be mapped to — no cell
    values (they may be ID numbers)."""
    table = read_import_file(filename, content, headers_only=True)
    return {
        "headers": table.headers,
        "mapping": suggest_mapping(table.headers, extra_schema),
        "fields": known_fields(extra_schema),
        "required": list(REQUIRED_FIELDS),
    }


def create_job(db, access, *, org_path, mode, mapping, filename, content):
    """Check the settings and the header row, then record a queued job. 404 for a node
    outside the importer's scope; 422 naming ``/org_path``, ``/mode``, ``/mapping`` or
    ``/file``. The caller commits and then runs it (``importing.run``)."""
    if not isinstance(org_path, str) or not org_path or not access.write.covers(org_path):
        raise not_found("导入的目标组织不存在，或不在您的管理范围内。")
    if org_node_at(db, org_path) is None:
        raise ApiError(422, "导入的目标组织不存在。", pointer="/org_path")
    if mode not in MODES:
        raise ApiError(422, f"导入方式只能是：{'、'.join(f'{k}（{v}）' for k, v in MODES.items())}。", pointer="/mode")
    extra_schema, _tags = fields.county_settings(db, county_of(org_path))
    headers = read_import_file(filename, content, headers_only=True).headers
    final = resolve_mapping(headers, mapping, extra_schema)
    job = ImportJob(
        org_path=org_path,
        created_by=access.username,
        filename=(filename or "")[-200:],
        mode=mode,
        mapping=final,
        file_sha256=hashlib.sha256(content).hexdigest(),
    )
    db.add(job)
    db.flush()
    db.add(ImportFile(job_id=job.id, content=content))
    return job


def resolve_mapping(headers, mapping, extra_schema):
    """The suggested mapping with the user's choices laid over it (a header mapped to ""
    is ignored). Every field at most once; the required ones present."""
    known = known_fields(extra_schema)
    final = suggest_mapping(headers, extra_schema)
    for header, field in (mapping or {}).items():
        if header not in headers:
            raise ApiError(422, f"文件中没有名为“{header}”的列。", pointer="/mapping")
        if field and field not in known:
            raise ApiError(422, "对应关系中有不能导入的字段。", pointer="/mapping")
        final[header] = field or ""
    used = [field for field in final.values() if field]
    for field in set(used):
        if used.count(field) > 1:
            raise ApiError(422, f"有多列都对应到“{known[field]}”，每个字段只能对应一列。", pointer="/mapping")
    for field in REQUIRED_FIELDS:
        if field not in used:
            raise ApiError(
                422,
                f"文件中没有找到“{known[field]}”列：请在“列对应”中指定哪一列是{known[field]}"
                f"（文件的列：{'、'.join(h for h in headers if h) or '无'}）。",
                pointer="/mapping",
            )
    return {header: field for header, field in final.items() if field}


def import_targets(db, scope):
    """``[(path, name)]`` of the streets, communities and grids the actor may import into."""
    nodes = org_nodes_in(db, DataScope(tuple(scope.paths)))
    return [
        (node.path, node.name)
        for node in nodes
        if node.kind in ("community", "grid", "street") and scope.covers(node.path)
    ]


def find_job(db, scope, job_id):
    job = db.exec(system_query(select(ImportJob).where(ImportJob.id == job_id), BY_ID)).first()
    if job is None or not scope.covers(job.org_path):
        raise not_found("没有找到这次导入，或不在您的管理范围内。")
    return job


def recent_jobs(db, scope, limit=20):
    statement = scope_of_model(select(ImportJob), scope, ImportJob)
    return db.exec(statement.order_by(ImportJob.id.desc()).limit(limit)).all()


def mark_if_interrupted(db, job):
    """A job no process is running any more (its heartbeat stopped) is failed, so nobody
    waits for it forever. Returns True when it was."""
    if job.status not in ("queued", "running") or runs_here(job.id):
        return False
    if utcnow() - job.heartbeat_at < STALE_AFTER:
        return False
    job.status, job.message, job.finished_at = "failed", INTERRUPTED, utcnow()
    db.exec(delete(ImportFile).where(ImportFile.job_id == job.id))  # the file lives only while the job does
    db.commit()
    return True


def problems_of(db, job, limit=None, kinds=None):
    """The job's report rows by line; only those of ``kinds`` when given."""
    statement = select(ImportProblem).where(ImportProblem.job_id == job.id)
    if kinds:
        statement = statement.where(ImportProblem.kind.in_(kinds))
    statement = statement.order_by(ImportProblem.line, ImportProblem.id)
    return db.exec(statement.limit(limit) if limit else statement).all()


def job_json(db, job, problem_limit=100):
    phase, processed = progress_of(job)
    total = job.total_rows
    return {
        "id": job.id,
        "org_path": job.org_path,
        "filename": job.filename,
        "mode": job.mode,
        "mode_title": MODES[job.mode],
        "mapping": job.mapping,
        "status": job.status,
        "status_title": STATUS_TITLES[job.status],
        "phase": phase,
        "phase_title": PHASE_TITLES.get(phase, ""),
        "total_rows": total,
        "processed_rows": processed,
        "percent": 100 if job.status in ("done", "rejected") else (int(processed * 100 / total) if total else 0),
        "imported": job.imported,
        "already_registered": job.already_registered,
        "held_rows": job.held_rows,
        "bad_rows": job.bad_rows,
        "message": job.message,
        "created_by": job.created_by,
        "created_at": isoformat(job.created_at),
        "finished_at": isoformat(job.finished_at) if job.finished_at else None,
        # problem_limit 0: none (the page lists errors and set-aside rows apart).
        "problems": [problem_json(problem) for problem in problems_of(db, job, problem_limit)] if problem_limit else [],
    }


def problem_json(problem):
    return {
        "line": problem.line,
        "column": problem.column,
        "field": problem.field,
        "reason": problem.reason,
        "kind": problem.kind,
        "name": problem.person_name,
    }


REPORT_HEADER = ("行号", "姓名", "列", "问题", "类型")
KIND_TITLES = {"error": "错误，未导入", "skipped": "已登记，跳过", "held": "转县级核对"}


def report_rows(db, job):
    return [
        (problem.line, problem.person_name, problem.column, problem.reason, KIND_TITLES.get(problem.kind, problem.kind))
        for problem in problems_of(db, job)
    ]
