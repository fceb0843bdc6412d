"""The spool flusher: a thread per web process that counts the machine's spool files every
few seconds (``USAGE_FLUSH_SECONDS``, default 5), started with the first request like the
embedded scheduler. Tests call ``ingest_spool`` themselves."""

import atexit
import logging
import os
import threading

from core.loop_failures import FailureLog
from core.usage.ingest import ingest_spool

log = logging.getLogger(__name__)
_started = {}  # pid → thread
_lock = threading.Lock()


def flusher_enabled(config):
    return bool(config.get("USAGE_FLUSHER", not config.get("TESTING", False)))


def start_flusher(app):
    with _lock:
        running = _started.get(os.getpid())
        if running is not None and running.is_alive():
            return
        stop = threading.Event()
        thread = threading.Thread(target=_run, args=(app, stop), name="gridwork-usage", daemon=True)
        _started[os.getpid()] = thread
        thread.start()
        atexit.register(stop.set)


def _run(app, stop):
    interval = float(app.config.get("USAGE_FLUSH_SECONDS", 5))
    failures = FailureLog(log, "usage spool ingest (the lines wait in the spool)")
    while not stop.wait(interval):
        try:
            ingest_spool(app)
            failures.succeeded()
        except Exception as error:  # a database hiccup must not end the thread: the lines wait in the spool
            failures.failed(error)


def start_before_request(app):
    def start():
        if flusher_enabled(app.config):
            start_flusher(app)

    return start
