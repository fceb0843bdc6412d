"""Scheduled jobs (issue 11 §2): periods in the deployment's zone, one run per period however
many schedulers look, a missed period run once after downtime, failures recorded and retried
with backoff, nothing run for a plugin that is enabled nowhere, a dead process's run taken
over — all with the test clock, never sleeping."""

import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.db import engine_of
from core.scheduler.models import JobRun
from core.scheduler.runner import Scheduler, backoff
from core.scheduler.schedules import Daily, Every, Quarterly
from core.state import state_of
from core.testing import json_value, rows

BEIJING = ZoneInfo("Asia/Shanghai")
M1 = "c1/s1/m1"


def local(*parts):
    return datetime(*parts, tzinfo=BEIJING)


def test_periods_are_cut_in_the_deployment_zone():
    assert Every(15).period_start(local(2026, 12, 3, 9, 44, 59)) == local(2026, 12, 3, 9, 30)
    assert Daily("02:30").period_start(local(2026, 12, 3, 2, 29)) == local(2026, 12, 2, 2, 30)
    assert Daily("02:30").period_start(local(2026, 12, 3, 2, 30)) == local(2026, 12, 3, 2, 30)
    assert Daily("02:30").next_start(local(2026, 12, 3, 23, 0)) == local(2026, 12, 4, 2, 30)
    assert Quarterly("03:00").period_start(local(2026, 12, 3)) == local(2026, 10, 1, 3, 0)
    assert Quarterly("03:00").period_start(local(2027, 1, 1, 2, 0)) == local(2026, 10, 1, 3, 0)
    assert Quarterly("03:00").next_start(local(2026, 12, 3)) == local(2027, 1, 1, 3, 0)
    # 02:30 Beijing is 18:30 UTC the day before: "today" is Beijing's
    assert Daily("02:30").period_start(datetime(2026, 12, 2, 18, 31, tzinfo=UTC).astimezone(BEIJING)).day == 3


def fx(outcomes):
    """The fixture plugin's outcomes (every app also loads resident_info and its job)."""
    return {name: outcome for name, outcome in outcomes.items() if name.startswith("fx_jobs.")}


def tallies(app):
    found = rows(app, "SELECT detail FROM core_audit_entry WHERE action LIKE 'fx_jobs.%' ORDER BY seq")
    return [json_value(detail) for (detail,) in found]


def runs(app, job="fx_jobs.tally"):
    return rows(app, "SELECT status, attempts, error FROM core_job_run WHERE job = :job ORDER BY period", job=job)


def behaviour_of(app):
    """The fixture plugin's switches (its module is imported afresh for each test)."""
    return state_of(app).host.get("fx_jobs").module.BEHAVIOUR


def test_hook_gridwork_scheduled_jobs(plugged, clock):
    app = plugged("fx_jobs", enabled_at=M1)
    assert {"fx_jobs.tally", "fx_jobs.nightly"} <= set(state_of(app).jobs)
    scheduler = Scheduler(app)
    with app.app_context():
        assert fx(scheduler.tick()) == {"fx_jobs.tally": "done", "fx_jobs.nightly": "done"}
        assert fx(scheduler.tick()) == {}  # the same minute: nothing due
        clock.advance(minutes=1)
        assert fx(scheduler.tick()) == {"fx_jobs.tally": "done"}
    periods = [entry["period"] for entry in tallies(app)]
    assert periods.count("2026-12-03T09:00:00+08:00") == 1 and periods.count("2026-12-03T09:01:00+08:00") == 1
    assert periods.count("2026-12-03T02:30:00+08:00") == 1  # the nightly job's current period
    assert all(entry["scope"] == [M1] for entry in tallies(app))  # only where the plugin is on


def test_a_period_runs_once_however_many_schedulers_look_at_once(plugged, clock):
    app = plugged("fx_jobs", enabled_at=M1)
    schedulers = [Scheduler(app, owner_suffix=f"s{n}") for n in range(4)]
    outcomes, barrier = [], threading.Barrier(len(schedulers))

    def look(scheduler):
        with app.app_context():
            barrier.wait()
            outcomes.append(fx(scheduler.tick()))

    threads = [threading.Thread(target=look, args=(scheduler,)) for scheduler in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(outcome) for outcome in outcomes)[-1] >= 1
    assert sum(outcome.get("fx_jobs.tally") == "done" for outcome in outcomes) == 1
    assert len([t for t in tallies(app) if t["period"].startswith("2026-12-03T09:00")]) == 1


def test_after_downtime_a_missed_period_runs_once_not_once_per_missed_tick(plugged, clock):
    app = plugged("fx_jobs", enabled_at=M1)
    scheduler = Scheduler(app)
    with app.app_context():
        scheduler.tick()
        clock.advance(hours=3, minutes=30)  # the server was off
        assert fx(scheduler.tick()) == {"fx_jobs.tally": "done"}
        assert fx(scheduler.tick()) == {}
    assert [status for status, _attempts, _error in runs(app)] == ["done", "done"]


def test_a_failure_is_recorded_with_its_error_and_retried_with_backoff(plugged, clock):
    app = plugged("fx_jobs", enabled_at=M1)
    behaviour_of(app)["failures_left"] = 2
    scheduler = Scheduler(app)
    job = state_of(app).jobs["fx_jobs.nightly"]
    with app.app_context():
        assert scheduler.run_due(job) == "failed"
        assert runs(app, job.name) == [("failed", 1, "RuntimeError: 模拟故障：网络中断")]
        assert scheduler.run_due(job) is None  # backing off
        clock.advance(seconds=backoff(1).total_seconds())
        assert scheduler.run_due(job) == "failed"
        assert scheduler.run_due(job) is None
        clock.advance(seconds=backoff(2).total_seconds())
        assert scheduler.run_due(job) == "done"
    assert runs(app, job.name) == [("done", 3, None)]
    assert backoff(1) < backoff(2) < backoff(3) and backoff(20) == timedelta(hours=1)


def test_a_run_that_keeps_failing_is_given_up_and_says_so(plugged, clock):
    app = plugged("fx_jobs", enabled_at=M1, JOBS_MAX_ATTEMPTS=2)
    behaviour_of(app)["failures_left"] = 5
    scheduler = Scheduler(app)
    job = state_of(app).jobs["fx_jobs.nightly"]
    with app.app_context():
        scheduler.run_due(job)
        clock.advance(hours=1)
        assert scheduler.run_due(job) == "dead"
        clock.advance(hours=1)
        assert scheduler.run_due(job) is None
    assert runs(app, job.name)[0][:2] == ("dead", 2)


def test_a_job_whose_plugin_is_enabled_nowhere_does_nothing(plugged, clock, org_tree):
    app = plugged("fx_jobs")  # loaded, never switched on
    with app.app_context():
        assert fx(Scheduler(app).tick()) == {"fx_jobs.tally": "skipped", "fx_jobs.nightly": "skipped"}
    assert tallies(app) == []


def test_the_run_of_a_process_that_died_is_taken_over_once_its_lease_lapses(plugged, clock):
    app = plugged("fx_jobs", enabled_at=M1)
    dead_lease = datetime.now(UTC) - timedelta(seconds=1)
    values = {"status": "running", "owner": "gone:1:x", "lease_until": dead_lease, "attempts": 1}
    with engine_of(app).begin() as connection:
        connection.execute(
            JobRun.__table__.insert().values(job="fx_jobs.tally", period=clock.now(), started_at=clock.now(), **values)
        )
    with app.app_context():
        assert Scheduler(app).tick()["fx_jobs.tally"] == "done"
    assert runs(app) == [("done", 2, None)]


def test_a_live_run_is_not_taken_over(plugged, clock):
    app = plugged("fx_jobs", enabled_at=M1)
    first, second = Scheduler(app, owner_suffix="a"), Scheduler(app, owner_suffix="b")
    job = state_of(app).jobs["fx_jobs.tally"]
    with app.app_context():
        assert first._claim(job.name, clock.now(), clock.now(), force=False) is not None
        assert second.run_due(job) is None


def test_gridwork_jobs_list_and_run(plugged, clock):
    app = plugged("fx_jobs", enabled_at=M1)
    cli = app.test_cli_runner()
    listed = cli.invoke(args=["jobs", "list"])
    assert "fx_jobs.nightly  夜间汇总  每天 02:30  上次：从未运行  下次：2026-12-04 02:30" in listed.output
    ran = cli.invoke(args=["jobs", "run", "fx_jobs.nightly", "--at", "2026-12-01 03:00"])
    assert ran.exit_code == 0 and "已完成" in ran.output, ran.output
    again = cli.invoke(args=["jobs", "run", "fx_jobs.nightly", "--at", "2026-12-01 03:00"])
    assert "已运行过" in again.output
    forced = cli.invoke(args=["jobs", "run", "fx_jobs.nightly", "--at", "2026-12-01 03:00", "--again"])
    assert "已完成" in forced.output
    assert [t["period"] for t in tallies(app)].count("2026-12-01T02:30:00+08:00") == 2
    unknown = cli.invoke(args=["jobs", "run", "fx_jobs.nope"])
    assert unknown.exit_code != 0 and "没有名为 fx_jobs.nope 的定时任务" in unknown.output


def test_the_jobs_page_shows_last_run_next_run_and_last_error_in_beijing_time(plugged, clock, sign_in):
    app = plugged("fx_jobs", enabled_at=M1)
    behaviour_of(app)["failures_left"] = 1
    with app.app_context():
        Scheduler(app).run_due(state_of(app).jobs["fx_jobs.nightly"])
    page = sign_in(app).get("/jobs").get_data(as_text=True)
    assert "夜间汇总" in page and "每天 02:30" in page and "2026-12-03 02:30" in page
    assert "失败，将重试" in page and "模拟故障：网络中断" in page and "2026-12-04 02:30" in page


def test_a_run_that_outlives_its_lease_is_taken_over_and_counts_once(plugged, clock):
    """A slow run (0.6 s, lease 0.1 s) and a second scheduler looking meanwhile: one effect,
    whichever commits — the slow run's "done" is guarded by its ownership of the row."""
    app = plugged("fx_jobs", enabled_at=M1, JOBS_LEASE_SECONDS=0.1)
    behaviour_of(app).update(linger_every=1, linger_seconds=0.6)
    job = state_of(app).jobs["fx_jobs.tally"]
    slow, other = Scheduler(app, owner_suffix="slow"), Scheduler(app, owner_suffix="other")
    outcomes = {}

    def run(name, scheduler):
        with app.app_context():
            outcomes[name] = scheduler.run_due(job)

    first = threading.Thread(target=run, args=("slow", slow))
    first.start()
    time.sleep(0.3)  # real time: the slow run's lease has lapsed, its work is not committed
    run("other", other)
    first.join()
    assert len([t for t in tallies(app) if t["period"] == "2026-12-03T09:00:00+08:00"]) == 1, outcomes
    assert [status for status, _attempts, _error in runs(app)] == ["done"]
