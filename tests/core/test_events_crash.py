"""Crash safety, measured (reliability-notes §4.3, Appendix A.1 adapted): 10,000 events,
three worker processes, a worker killed with SIGKILL at random moments again and again.

The handler's effect is an INSERT into a table WITHOUT a unique constraint, so a duplicate
effect would show. Assertions: 0 lost, 0 duplicated, at least one redelivery observed.
The control run switches idempotency off and must find duplicates — proof the harness can
fail. Workers are forked from this (already imported) process, so a restart costs
milliseconds instead of seconds of imports; each builds its own app and engine.
"""

import json
import multiprocessing
import os
import random
import signal
import time

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, text

from core.db import engine_of, make_engine, session_scope
from core.events import EventHandler, EventType, init_app, publish, register_event_type, register_handler
from core.state import state_of

EVENTS = 10_000
PER_TRANSACTION = 100
WORKERS = 3
MIN_KILLS = 10
TIME_LIMIT = 240
TESTED = "core.crash_tested"
effects = Table(
    "crash_effect", MetaData(), Column("id", Integer, primary_key=True), Column("event_id", String(32), nullable=False)
)  # deliberately not unique
SCHEMA = {"type": "object", "properties": {"i": {"type": "integer"}}, "required": ["i"]}


def insert_effect(event, session):
    from sqlalchemy import event as sa_event

    session.execute(effects.insert().values(event_id=event.id))
    # Linger once the handler's transaction has committed: without idempotency the effect is
    # then committed but the delivery not yet marked done — the window a kill must hit.
    sa_event.listen(session, "after_commit", lambda _session: time.sleep(0.002))


def declare(app):
    bus = state_of(app).bus or init_app(app)
    if TESTED not in bus.types:
        register_event_type(app, EventType(TESTED, SCHEMA, "core"))
        register_handler(app, EventHandler(TESTED, "core.crash_effect", insert_effect, "core"))


def worker_main(config):
    """A worker process: its own app and engine, one dispatcher, runs until killed."""
    from core.app import create_app
    from core.events.dispatch import run_workers

    app = create_app(config)
    declare(app)
    run_workers(app, concurrency=1)


def publish_all(app):
    with app.app_context():
        for start in range(0, EVENTS, PER_TRANSACTION):
            with session_scope(app) as db:
                for i in range(start, start + PER_TRANSACTION):
                    publish(db, TESTED, {"i": i}, org_path="c1", actor="crash-test")


def busy_pids(engine):
    """Pids of workers holding leases right now (owner is host:pid:thread)."""
    with engine.connect() as conn:
        owners = conn.execute(
            text(
                "SELECT DISTINCT lease_owner FROM core_event_delivery "
                "WHERE status = 'pending' AND lease_owner IS NOT NULL"
            )
        ).scalars()
        return {int(owner.split(":")[1]) for owner in owners}


def figures(engine):
    one = lambda conn, sql: conn.execute(text(sql)).scalar()  # noqa: E731
    with engine.connect() as conn:
        return {
            "done": one(conn, "SELECT count(*) FROM core_event_delivery WHERE status = 'done'"),
            "not_done": one(conn, "SELECT count(*) FROM core_event_delivery WHERE status <> 'done'"),
            "lost": one(
                conn,
                "SELECT count(*) FROM core_event e WHERE NOT EXISTS "
                "(SELECT 1 FROM crash_effect c WHERE c.event_id = e.id)",
            ),
            "duplicate_effects": one(conn, "SELECT count(*) - count(DISTINCT event_id) FROM crash_effect"),
            "redelivered": one(conn, "SELECT count(*) FROM core_event_delivery WHERE attempts > 1"),
            "max_attempts": one(conn, "SELECT max(attempts) FROM core_event_delivery"),
        }


def run_with_kills(app, idempotent, seed):
    """Publish, start the workers, kill busy ones until everything is delivered."""
    rng = random.Random(seed)
    effects.create(engine_of(app))
    declare(app)
    publish_all(app)
    config = {
        **app.config,
        "EVENTS_IDEMPOTENT": idempotent,
        "EVENTS_LEASE_SECONDS": 2,
        "EVENTS_BATCH_SIZE": 10,
        "EVENTS_POLL_INTERVAL": 0.05,
    }
    engine_of(app).dispose()  # no pooled connection may be shared with a forked child
    watcher = make_engine(app.config["DATABASE_URL"])
    fork = multiprocessing.get_context("fork")
    start = lambda: fork.Process(target=worker_main, args=(config,), daemon=True)  # noqa: E731
    workers = [start() for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    started, kills = time.monotonic(), 0
    next_kill = started + pause(rng, kills)
    try:
        while figures_pending(watcher):
            assert time.monotonic() - started < TIME_LIMIT, f"not finished in {TIME_LIMIT} s: {figures(watcher)}"
            if time.monotonic() >= next_kill:
                kills += kill_a_busy_worker(workers, watcher, rng, start)
                next_kill = time.monotonic() + pause(rng, kills)
            time.sleep(0.02)
    finally:
        for worker in workers:
            if worker.is_alive():
                os.kill(worker.pid, signal.SIGKILL)
            worker.join(10)
    result = {
        **figures(watcher),
        "events": EVENTS,
        "kills": kills,
        "seconds": round(time.monotonic() - started, 1),
        "idempotent": idempotent,
        "database": watcher.dialect.name,
    }
    watcher.dispose()
    print(json.dumps(result))
    return result


def pause(rng, kills):
    """Kill often until the minimum is safely passed, then now and then: every kill strands a
    batch for a lease period, and a fast machine may finish in ten seconds."""
    return rng.uniform(0.2, 0.6) if kills < MIN_KILLS + 5 else rng.uniform(1.5, 3.0)


def figures_pending(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM core_event_delivery WHERE status = 'pending'")).scalar()


def kill_a_busy_worker(workers, engine, rng, start):
    """SIGKILL a worker that holds leases (so the kill lands mid-batch) and start another."""
    busy = busy_pids(engine)
    victims = [index for index, worker in enumerate(workers) if worker.pid in busy and worker.is_alive()]
    if not victims:
        return 0
    index = rng.choice(victims)
    os.kill(workers[index].pid, signal.SIGKILL)
    workers[index].join(10)
    workers[index] = start()
    workers[index].start()
    return 1


@pytest.mark.slow
def test_killed_workers_lose_nothing_and_duplicate_nothing(app):
    result = run_with_kills(app, idempotent=True, seed=1)
    assert result["kills"] >= MIN_KILLS, result
    assert result["lost"] == 0 and result["not_done"] == 0, result
    assert result["duplicate_effects"] == 0, result
    assert result["redelivered"] >= 1, result  # the kills did hit deliveries in flight


@pytest.mark.slow
def test_without_idempotency_the_same_kills_produce_duplicates_so_the_harness_can_fail(app):
    result = run_with_kills(app, idempotent=False, seed=2)
    assert result["kills"] >= MIN_KILLS, result
    assert result["lost"] == 0, result  # still at least once
    assert result["duplicate_effects"] > 0, result
