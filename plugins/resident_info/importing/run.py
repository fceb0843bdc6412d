"""Running an import job: read the file, check every row, write the good ones — in the
foreground (the CLI) or in a background thread of the web process (pages and API), and
the progress of the jobs this process runs.

``valid_rows`` commits chunk by chunk (a crash keeps what was written; importing the file
again completes it without duplicates). ``all_or_nothing`` checks every row first, stores
nothing when one is bad, and otherwise writes all of them in one transaction.

Progress is on the job row (phase, counts, heartbeat; committed per chunk), readable from
any process. Only while an all-or-nothing write is inside its one transaction is the row
behind: it cannot be committed without committing the import, and a second connection
could not write it either (on SQLite the import holds the database's write lock; on
PostgreSQL the job row is locked by the import's own update). For that phase this module
keeps the figures in memory; pages, API and CLI read them through ``progress_of``.
"""

import logging
import threading

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from core.public import ApiError, record_audit, session_scope, system_options, utcnow
from plugins.resident_info.importing.checks import RowChecker
from plugins.resident_info.importing.columns import read_import_file
from plugins.resident_info.importing.held_notice import announce_held_rows
from plugins.resident_info.importing.write import write_rows
from plugins.resident_info.models import ImportFile, ImportJob, ImportProblem
from plugins.resident_info.permissions import PLUGIN

CHUNK = 500
FAILED = "导入失败：服务器内部错误，已记录日志。"
RACE = "导入期间有人登记了文件中的同一身份证号，本次未导入任何数据；请重新导入（已登记的会自动跳过）。"
log = logging.getLogger(__name__)


class ImportProgress:
    """``{job id: (phase, processed rows)}`` of the jobs running in this process, written
    only by this module's runner."""

    def __init__(self):
        self._lock = threading.Lock()
        self._jobs = {}

    def report(self, job_id, phase, processed):
        with self._lock:
            self._jobs[job_id] = (phase, processed)

    def forget(self, job_id):
        with self._lock:
            self._jobs.pop(job_id, None)

    def get(self, job_id):
        with self._lock:
            return self._jobs.get(job_id)


_PROGRESS = ImportProgress()


def progress_of(job):
    """``(phase, processed rows)``: this process's fresher figures while it runs the job,
    otherwise the job row's."""
    return _PROGRESS.get(job.id) or (job.phase, job.processed_rows)


def runs_here(job_id):
    """True while this process runs the job (its heartbeat may be old: one long transaction)."""
    return _PROGRESS.get(job_id) is not None


def start_in_background(access, job_id, content, note=""):
    """Run the committed, queued job in a thread with its own session, so the request can
    answer at once (202) and the page can show progress. ``note`` ends the job's message."""
    app = current_app._get_current_object()
    _PROGRESS.report(job_id, "queued", 0)
    thread = threading.Thread(
        target=_run_in_thread, args=(app, access, job_id, content, note), daemon=True, name=f"resident-import-{job_id}"
    )
    thread.start()
    return thread


def run_claimed(access, job_id, content, note=""):
    """Run a job this process has just claimed, in the calling thread (a scheduled job)."""
    _PROGRESS.report(job_id, "queued", 0)
    _run_in_thread(current_app._get_current_object(), access, job_id, content, note)


def _run_in_thread(app, access, job_id, content, note):
    with app.app_context(), session_scope(app) as db:
        try:
            run_job(db, access, job_id, content, note=note)
        except Exception:  # recorded on the job and in the log by run_job; the thread just ends
            pass


def run_job(db, access, job_id, content, *, on_progress=None, today=None, note=""):
    """Run the queued job ``job_id`` over ``content`` (the uploaded bytes) as ``access``.
    Always leaves the job finished (done, rejected or failed); re-raises unexpected errors
    after recording them, so a CLI can exit non-zero."""
    try:
        _run(db, access, _job(db, job_id), content, on_progress or (lambda job: None), today, note)
    except ApiError as problem:  # the file could not be read
        _fail(db, job_id, problem.detail)
    except IntegrityError:  # someone registered one of the file's IDs meanwhile
        _fail(db, job_id, RACE)
    except Exception:
        log.exception("resident import %s failed", job_id)
        _fail(db, job_id, FAILED)
        raise
    finally:
        _PROGRESS.forget(job_id)


def _job(db, job_id):
    return db.get(ImportJob, job_id, execution_options=system_options("the job this runner was started for"))


def _run(db, access, job, content, on_progress, today, note):
    _progress(db, job, "reading", 0, on_progress, status="running")
    table = read_import_file(job.filename, content)
    job.total_rows = len(table.rows)
    checker = RowChecker(db, access, job, table.headers, today)
    job.message = note  # a resumed job's note: _finish puts the outcome before it
    if job.mode == "valid_rows":
        _check_and_write_each_chunk(db, access, job, table.rows, checker, on_progress)
    else:
        _check_all_then_write(db, access, job, table.rows, checker, on_progress)


def _check_and_write_each_chunk(db, access, job, rows, checker, on_progress):
    done = 0
    for chunk in _chunks(rows):
        good = checker.check(chunk)
        _store_problems(db, job, checker.take_problems())
        job.imported += write_rows(db, access, job, good)
        done += len(chunk)
        _count(job, checker)
        _progress(db, job, "writing", done, on_progress)
    _finish(db, access, job, "done")


def _check_all_then_write(db, access, job, rows, checker, on_progress):
    good, done = [], 0
    for chunk in _chunks(rows):
        good.extend(checker.check(chunk))
        _store_problems(db, job, checker.take_problems())
        done += len(chunk)
        _count(job, checker)
        _progress(db, job, "checking", done, on_progress)
    if checker.bad_rows:
        job.message = f"有 {checker.bad_rows} 行有错误，按“全部正确才导入”的要求，本次没有导入任何数据。" + job.message
        return _finish(db, access, job, "rejected")
    written = 0
    for chunk in _chunks(good):  # one transaction: progress lives in memory until the commit
        job.imported += write_rows(db, access, job, chunk)
        written += len(chunk)
        _PROGRESS.report(job.id, "writing", written)
        on_progress(job)
    _finish(db, access, job, "done")


def _chunks(items):
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _count(job, checker):
    job.bad_rows, job.already_registered, job.held_rows = checker.bad_rows, checker.already_registered, checker.held


def _store_problems(db, job, problems):
    for problem in problems:
        db.add(
            ImportProblem(
                job_id=job.id,
                line=problem["line"],
                column=problem["column"][:100],
                field=problem["field"][:50],
                reason=problem["reason"][:300],
                person_name=(problem.get("name") or "")[:50],
                kind=problem.get("kind", "error"),
                other_resident_id=problem.get("other_resident_id"),
            )
        )


def _progress(db, job, phase, processed, on_progress, status=None):
    job.phase, job.processed_rows, job.heartbeat_at = phase, processed, utcnow()
    if status:
        job.status = status
    _PROGRESS.report(job.id, phase, processed)
    db.commit()
    on_progress(job)


def _finish(db, access, job, status):
    if status != "rejected":  # a refused file is kept a day: its valid rows may still go in
        _forget_file(db, job.id)
    job.status, job.finished_at, job.processed_rows = status, utcnow(), job.total_rows
    job.phase = ""
    if status == "done":
        job.message = (
            f"导入 {job.imported} 人；已登记跳过 {job.already_registered} 人；"
            + (f"转县级核对 {job.held_rows} 行；" if job.held_rows else "")
            + f"有错误未导入 {job.bad_rows} 行。"
            + job.message
        )
        announce_held_rows(db, job)
    detail = {
        "job_id": job.id,
        "status": status,
        "mode": job.mode,
        "rows": job.total_rows,
        "imported": job.imported,
        "already_registered": job.already_registered,
        "held_rows": job.held_rows,
        "bad_rows": job.bad_rows,
    }
    record_audit(
        db,
        f"{PLUGIN}.residents_imported",
        actor=access.username,
        target=f"{PLUGIN}_import:{job.id}",
        org_path=job.org_path,
        ip=access.ip,
        detail=detail,
    )
    db.commit()


def _fail(db, job_id, message):
    db.rollback()
    job = _job(db, job_id)
    if job.imported:  # valid_rows commits chunk by chunk: say what is already in
        message += f"（此前已导入的 {job.imported} 人保留。）"
    job.status, job.message, job.finished_at, job.phase = "failed", message, utcnow(), ""
    _forget_file(db, job_id)
    db.commit()


def _forget_file(db, job_id):
    """The uploaded file lives only as long as its job is unfinished."""
    db.exec(delete(ImportFile).where(ImportFile.job_id == job_id))
