"""The scheduler thread inside a web process (``gridwork demo``/``gridwork run``): started
with the first request, once per process (a forked gunicorn worker starts its own). Several
processes each running one is safe: the (job, period) row decides who runs a period."""

import atexit
import os
import threading

from core.state import state_of

_started = {}  # pid → (thread, stop event)
_lock = threading.Lock()


def embedded_enabled(config):
    return bool(config.get("JOBS_EMBEDDED", not config.get("TESTING", False)))


def start_embedded(app):
    with _lock:
        running = _started.get(os.getpid())
        if running is not None and running[0].is_alive():
            return
        stop = threading.Event()
        thread = threading.Thread(
            target=state_of(app).scheduler.run, args=(stop,), name="gridwork-scheduler", daemon=True
        )
        _started[os.getpid()] = (thread, stop)
        thread.start()
        atexit.register(stop.set)


def start_before_request(app):
    """A ``before_request`` hook: never during CLI commands such as ``gridwork db upgrade``."""

    def start():
        if embedded_enabled(app.config):
            start_embedded(app)

    return start
