"""A background loop whose database is away logs the traceback once, not every second."""

import logging

from core.loop_failures import FailureLog

log = logging.getLogger("tests.loop_failures")


def fail_rounds(failures, error, times):
    for _ in range(times):
        try:
            raise error
        except Exception as caught:
            failures.failed(caught)


def test_a_repeated_failure_logs_its_traceback_once_and_then_a_line_a_minute(caplog, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("core.loop_failures.time.monotonic", lambda: now[0])
    failures = FailureLog(log, "测试循环")
    with caplog.at_level(logging.INFO, logger="tests.loop_failures"):
        fail_rounds(failures, OSError("数据库连不上"), 30)
        now[0] += 61
        fail_rounds(failures, OSError("数据库连不上"), 1)
    with_traceback = [record for record in caplog.records if record.exc_info]
    assert len(with_traceback) == 1
    assert [record.getMessage() for record in caplog.records[1:]] == ["测试循环 still failing (30 more times): OSError"]


def test_a_different_failure_gets_its_own_traceback_and_recovery_is_said(caplog):
    failures = FailureLog(log, "测试循环")
    with caplog.at_level(logging.INFO, logger="tests.loop_failures"):
        fail_rounds(failures, OSError("数据库连不上"), 3)
        fail_rounds(failures, KeyError("core_event_delivery"), 1)
        failures.succeeded()
        failures.succeeded()
    assert sum(1 for record in caplog.records if record.exc_info) == 2
    assert caplog.records[-1].getMessage() == "测试循环 works again after 0 repeated failures"
