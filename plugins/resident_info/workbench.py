"""resident_info on the workbench (工作台): the residents in the user's care, with how many
were registered this week, and the import rows waiting for their county check."""

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from core.public import DataScope, WorkItem, scope_of_model, scoped, utcnow
from plugins.resident_info.importing.held import unresolved_held
from plugins.resident_info.models import ImportJob, ImportProblem, Resident
from plugins.resident_info.permissions import PLUGIN
from plugins.resident_info.register.access import access_for
from plugins.resident_info.register.queries import unmerged

LIST, HELD = f"/{PLUGIN}/", f"/{PLUGIN}/import/held"


def workbench_items(db, actor):
    access = access_for(actor)
    if not access.read.paths:
        return []
    items = [_residents(db, access)]
    held = db.scalar(unresolved_held(access).with_only_columns(func.count(ImportProblem.id)))
    if held:
        items.append(WorkItem("待核对的导入行", held, HELD, unit="条", note="身份证号已在本县其他地方登记", order=20))
    return items


def _residents(db, access):
    living = select(func.count()).select_from(Resident).where(unmerged(), Resident.status == "living")
    living = scope_of_model(living, access.read, Resident)
    total = db.exec(living).one()
    this_week = db.exec(living.where(Resident.created_at >= utcnow() - timedelta(days=7))).one()
    note = f"近 7 天新登记 {this_week} 人" if this_week else ""
    return WorkItem("我负责的居民", total, LIST, unit="人", note=note, order=80)


def open_work_at(db, org_path):
    """What retiring the module at ``org_path`` would strand: held import rows nobody checked
    yet, and imports that stopped half-way (the core's impact preview)."""
    subtree = DataScope((org_path,))
    held = select(func.count(ImportProblem.id)).join(ImportJob, ImportJob.id == ImportProblem.job_id)
    held = held.where(ImportProblem.kind == "held", ImportProblem.resolved_at.is_(None))
    unfinished = select(func.count(ImportJob.id)).where(ImportJob.status.in_(("queued", "running")))
    return {
        "待核对的导入行": db.exec(scoped(held, subtree, ImportJob.org_path)).one(),
        "未完成的导入": db.exec(scoped(unfinished, subtree, ImportJob.org_path)).one(),
    }
