"""Resuming imports whose process died (a web worker recycled or killed mid-import): a
scheduled job, every minute, in whichever process runs a scheduler. A job that is queued or
running but whose heartbeat is older than ``STALE`` is claimed — its heartbeat moved on in a
compare-and-set UPDATE, so one process wins — and run again from its stored file in a thread
of this process, as the person who started it (with their permissions as they are now).

Running it again is safe: rows already written are found in the register and skipped, so
nothing is doubled; the job's message says it was resumed. Imports started from the CLI are
not resumed (their operator is watching; the stale check fails them)."""

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import delete, select

from core.public import Every, ScheduledJob, actor_named, scoped, utcnow
from plugins.resident_info.importing.run import runs_here, start_in_background
from plugins.resident_info.importing.services import importer_access
from plugins.resident_info.models import ImportFile, ImportJob, ImportProblem
from plugins.resident_info.permissions import PLUGIN

STALE = timedelta(minutes=2)  # heartbeats come every 500 rows, well under a second apart
RESUMED = "（导入中断后已自动续导：中断前已导入的行在报告中显示为“已登记，跳过”。）"


def resume_stalled_imports(context):
    cutoff = context.now - STALE
    statement = select(ImportJob).where(
        ImportJob.status.in_(("queued", "running")),
        ImportJob.heartbeat_at < cutoff,
        ~ImportJob.created_by.startswith("cli:"),
    )
    for job in context.session.exec(scoped(statement, context.scope, ImportJob.org_path)).all():
        if not runs_here(job.id):
            _resume(context.session, job)


def _resume(session, job):
    stale_heartbeat = job.heartbeat_at
    claimed = session.execute(
        update(ImportJob)
        .where(ImportJob.id == job.id, ImportJob.heartbeat_at == stale_heartbeat)
        .values(heartbeat_at=utcnow(), status="queued", phase="", already_registered=0, bad_rows=0, held_rows=0)
    ).rowcount
    stored = session.get(ImportFile, job.id)
    actor = actor_named(session, job.created_by)
    if not claimed or stored is None or actor is None:
        return
    session.exec(delete(ImportProblem).where(ImportProblem.job_id == job.id))  # the rerun reports every row again
    session.commit()  # the claim is visible before the thread starts
    start_in_background(importer_access(actor), job.id, stored.content, note=RESUMED)


RESUME_JOB = ScheduledJob(f"{PLUGIN}.resume_imports", "续导中断的居民导入", Every(1), resume_stalled_imports)
