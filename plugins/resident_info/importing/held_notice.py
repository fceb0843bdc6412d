"""Held rows reach the county: a notice to the county admins when an import leaves rows for a
county check (``held.py``), a reminder if rows are still unchecked two days later, and both
settled once the last row of the import is resolved — through the core's inbox, so nobody
has to remember to look at the held-rows page."""

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from core.public import escalate_if_open, notify, object_closed, utcnow
from plugins.resident_info.models import ImportProblem
from plugins.resident_info.permissions import PLUGIN

PACKAGE = "county_admin"  # the package that reads across the county, usually the one who resolves
REMINDER_AFTER = timedelta(days=2)
LINK = f"/{PLUGIN}/import/held"
OBJECT = "import"


def announce_held_rows(db, job):
    """Called as the import finishes, in its transaction."""
    if not job.held_rows:
        return
    about = {"plugin": PLUGIN, "object_type": OBJECT, "object_id": job.id, "org_path": job.org_path, "link": LINK}
    notify(db, title=f"居民导入有 {job.held_rows} 行待县级核对", to_package=PACKAGE, severity="warning", **about)
    escalate_if_open(
        db,
        title=f"居民导入待县级核对已超过 2 天（{job.held_rows} 行）",
        at=utcnow() + REMINDER_AFTER,
        package=PACKAGE,
        severity="urgent",
        **about,
    )


def settle_when_all_resolved(db, job, by):
    """After a held row is resolved: once none of the job's is left, the notice is done and the
    reminder cancelled."""
    left = db.exec(
        select(func.count())
        .select_from(ImportProblem)
        .where(ImportProblem.job_id == job.id, ImportProblem.kind == "held", ImportProblem.resolved_at.is_(None))
    ).one()
    if left == 0:
        object_closed(db, PLUGIN, OBJECT, job.id, by=by)
