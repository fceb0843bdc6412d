"""Where an import runs when started from a page or the API: a background thread of the
web process, with its own session, so the request answers at once (202) and the page can
show progress. Its state is in the database (``ImportJob``), readable from any process."""
import threading

from flask import current_app

from core.public import session_scope

from plugins.resident_info.import_run import run_job
from plugins.resident_info.imports import LIVE


def start_in_background(access, job_id, content):
    app = current_app._get_current_object()
    LIVE[job_id] = ("queued", 0)
    thread = threading.Thread(target=_run, args=(app, access, job_id, content), daemon=True,
                              name=f"resident-import-{job_id}")
    thread.start()
    return thread


def _run(app, access, job_id, content):
    with app.app_context(), session_scope(app) as db:
        try:
            run_job(db, access, job_id, content)
        except Exception:  # recorded on the job and in the log by run_job; the thread just ends
            pass
