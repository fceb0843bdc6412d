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
from plugins.resident_info.importing.run import run_claimed, runs_here
from plugins.resident_info.importing.services import importer_access
from plugins.resident_info.models import ImportFile, ImportJob, ImportProblem
from plugins.resident_info.permissions import PLUGIN

# Heartbeats come every 500 rows — but not while a big file is read, nor inside an
# all-or-nothing write's one transaction: a job is taken for dead only after this long.
STALE = timedelta(minutes=10)
GIVEN_UP = "导入中断，且无法自动续导（导入人账号已停用或文件已不在）。已写入的行会保留；请用同一文件重新导入。"
RESUMED = "（导入中断后已自动续导：中断前已导入的行计入“已登记跳过”。）"


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
    """Claim the job (one process wins), then run it here, in this thread: a daemon thread
    would die with ``gridwork worker --once`` or ``gridwork jobs run``."""
    restart = {"heartbeat_at": utcnow(), "status": "queued", "phase": ""}
    counts = {"imported": 0, "already_registered": 0, "bad_rows": 0, "held_rows": 0}  # every row counted anew
    claimed = session.execute(
        update(ImportJob)
        .where(
            ImportJob.id == job.id,
            ImportJob.heartbeat_at == job.heartbeat_at,
            ImportJob.status.in_(("queued", "running")),
        )
        .values(**restart, **counts)
    ).rowcount
    if not claimed:
        return
    stored = session.get(ImportFile, job.id)
    actor = actor_named(session, job.created_by)
    if stored is None or actor is None:
        _give_up(session, job.id)
        return
    content = stored.content
    session.exec(delete(ImportProblem).where(ImportProblem.job_id == job.id))  # the rerun reports every row again
    session.commit()  # the claim is visible to every process before the long run
    run_claimed(importer_access(actor), job.id, content, note=RESUMED)


def _give_up(session, job_id):
    session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id)
        .values(status="failed", message=GIVEN_UP, finished_at=utcnow(), phase="")
    )
    session.exec(delete(ImportFile).where(ImportFile.job_id == job_id))
    session.commit()


RESUME_JOB = ScheduledJob(f"{PLUGIN}.resume_imports", "续导中断的居民导入", Every(1), resume_stalled_imports)
