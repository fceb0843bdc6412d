"""Exactly once across processes, measured (issue 11 §2): three worker processes — what
``gridwork worker`` runs — on one database, a job every minute of a simulated day, the worker
running a period SIGKILLed again and again while the job is in its transaction.

The simulated clock is a file the test advances one minute at a time once the minute has run;
workers read the business time from it, and their leases run on the real clock. The job's
effect is an audit entry naming its period, so a period run twice would show. Workers are
forked from this (already imported) process and build their own app and engine."""

import multiprocessing
import os
import signal
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from core.db import engine_of, make_engine
from core.scheduler.models import JobRun
from core.state import state_of

M1 = "c1/s1/m1"
WORKERS = 3
MINUTES = int(os.environ.get("FX_MINUTES", 24 * 60))
LINGER_EVERY = 60  # minutes whose run lingers inside its transaction — the window a kill must hit
MIN_KILLS = 10
TIME_LIMIT = float(os.environ.get("FX_TIME_LIMIT", 600))


def worker_main(config, clock_file):
    """One ``gridwork worker``: an event dispatcher and the scheduler, until killed."""
    from core.app import create_app
    from core.events.dispatch import run_workers
    from core.timeutil import clock

    clock.use(lambda: datetime.fromisoformat(Path(clock_file).read_text()))
    app = create_app(config)
    run_workers(app, concurrency=1, also=[state_of(app).scheduler.run])


def set_clock(clock_file, value):
    staged = clock_file.with_suffix(".new")
    staged.write_text(value.isoformat())
    os.replace(staged, clock_file)  # a worker never reads half a time


def minute_state(engine, period):
    run = JobRun.__table__
    with engine.connect() as conn:  # through the table: its column type stores the datetime
        return conn.execute(
            select(run.c.status, run.c.owner).where(run.c.job == "fx_jobs.tally", run.c.period == period)
        ).first()


def figures(engine):
    with engine.connect() as conn:
        one = lambda sql: conn.execute(text(sql)).scalar()  # noqa: E731
        return {
            "periods_done": one("SELECT count(*) FROM core_job_run WHERE job = 'fx_jobs.tally' AND status = 'done'"),
            "effects": one("SELECT count(*) FROM core_audit_entry WHERE action = 'fx_jobs.tallied'"),
            "distinct_periods": one(
                "SELECT count(DISTINCT target) FROM core_audit_entry WHERE action = 'fx_jobs.tallied'"
            ),
            "taken_over": one("SELECT count(*) FROM core_job_run WHERE job = 'fx_jobs.tally' AND attempts > 1"),
        }


@pytest.mark.slow
def test_every_minute_of_a_simulated_day_runs_once_with_workers_killed_mid_run(plugged, tmp_path):
    app = plugged("fx_jobs", enabled_at=M1, JOBS_POLL_SECONDS=0.005, JOBS_LEASE_SECONDS=0.4)
    behaviour = state_of(app).host.get("fx_jobs").module.BEHAVIOUR
    behaviour.update(linger_every=LINGER_EVERY, linger_seconds=0.25)
    start_of_day = datetime.fromisoformat("2026-12-03T00:00:00+08:00")
    clock_file = tmp_path / "now"
    set_clock(clock_file, start_of_day)
    config = dict(app.config)
    engine_of(app).dispose()  # no pooled connection may be shared with a forked child
    watcher = make_engine(app.config["DATABASE_URL"])
    fork = multiprocessing.get_context("fork")
    spawn = lambda: fork.Process(target=worker_main, args=(config, str(clock_file)), daemon=True)  # noqa: E731
    workers = [spawn() for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    started, kills = time.monotonic(), 0
    try:
        for minute in range(MINUTES):
            period = start_of_day + timedelta(minutes=minute)
            set_clock(clock_file, period)
            killed = False
            while True:
                assert time.monotonic() - started < TIME_LIMIT, f"minute {minute} not run: {figures(watcher)}"
                found = minute_state(watcher, period)
                if found is not None and found.status == "done":
                    break
                if found is not None and found.status == "running" and minute % LINGER_EVERY == 0 and not killed:
                    kills += kill(workers, int(found.owner.split(":")[1]), spawn)
                    killed = True
                time.sleep(0.002)
            if minute % 60 == 0:
                print(minute, round(time.monotonic() - started, 1), kills, flush=True)
    finally:
        for worker in workers:
            if worker.is_alive():
                os.kill(worker.pid, signal.SIGKILL)
            worker.join(10)
    result = {**figures(watcher), "kills": kills, "seconds": round(time.monotonic() - started, 1)}
    watcher.dispose()
    print(result)
    assert result["periods_done"] == MINUTES, result
    assert result["distinct_periods"] >= MINUTES and result["effects"] == MINUTES, result  # each minute once
    assert kills >= MIN_KILLS and result["taken_over"] >= MIN_KILLS, result  # the kills hit runs in flight


def kill(workers, pid, spawn):
    for index, worker in enumerate(workers):
        if worker.pid == pid and worker.is_alive():
            os.kill(pid, signal.SIGKILL)
            worker.join(10)
            workers[index] = spawn()
            workers[index].start()
            return 1
    return 0
