"""No background loop may outlive the test that started it.

The embedded event dispatcher, scheduler and usage flusher start with an app's first request
unless the app is built with ``TESTING`` (as every fixture builds it). One started by a test
keeps running on a database the test has dropped, failing every second — and on Python 3.11
the tracebacks it formats race other threads' ``ast.parse`` (CPython gh-106905), which once
failed an unrelated test. So a test that leaves one running fails, naming the threads."""

import threading

import pytest

LOOP_PREFIXES = ("gridwork-events", "gridwork-scheduler", "gridwork-usage", "gridwork-worker")


def running_loops():
    return {thread for thread in threading.enumerate() if thread.name.startswith(LOOP_PREFIXES) and thread.is_alive()}


@pytest.fixture(autouse=True)
def no_background_loop_outlives_its_test():
    before = running_loops()
    yield
    left = running_loops() - before
    if left:
        names = ", ".join(sorted(thread.name for thread in left))
        pytest.fail(
            f"background loop(s) still running after the test: {names}. Build the app with "
            "TESTING=True (the fixtures do) or stop them (bus.stop()) before the test ends.",
            pytrace=False,
        )
