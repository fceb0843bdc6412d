"""The durable event bus: publish rate against a raw-insert floor, and dispatch latency.

1. Publish rate. Ours: ``core.events.publish()`` — schema check, outbox row plus one
   delivery row (one subscriber) — 100 events per transaction through a real ``create_app``
   session. Floor: the same rows (same columns, ids and payloads built beforehand) written
   with ``sqlite3`` ``executemany``, 100 events per transaction, into the same file with the
   same pragmas (WAL, ``synchronous=FULL``). Rounds alternate floor/ours; medians are
   reported. Goal: ours/floor ≥ 0.5.
2. Dispatch latency. A separate worker process (one dispatcher, default settings) on a
   fresh database; this process publishes one event per transaction at ``--rate`` per
   second; the handler records when it ran. Latency = handler start − event time.
   Goal: p95 ≤ 1 s.

    .venv/bin/python bench/event_bus.py            # options: --events 10000 --rounds 5 --rate 200 --seconds 10
"""

import argparse
import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import BENCH_DIR, BenchFailure, emit_json, machine_line, median
from sqlalchemy import Column, Float, MetaData, String, Table, text

from core.app import create_app
from core.db import engine_of, session_scope
from core.events import EventHandler, EventType, init_app, publish, register_event_type, register_handler
from core.events.dispatch import run_workers
from core.events.types import new_event_id
from core.migrate import upgrade
from core.state import state_of

EVENT_TYPE, HANDLER = "core.bench_tagged", "core.bench_handled"
SCHEMA = {
    "type": "object",
    "properties": {
        "resident_id": {"type": "integer", "minimum": 1},
        "tag": {"type": "string", "minLength": 1, "maxLength": 40},
    },
    "required": ["resident_id", "tag"],
    "additionalProperties": False,
}
PER_TRANSACTION = 100
GOAL_RATIO, GOAL_P95_S = 0.5, 1.0


def handled_table():
    return Table(
        "bench_handled",
        MetaData(),
        Column("event_id", String(32), primary_key=True),
        Column("occurred", Float, nullable=False),
        Column("handled", Float, nullable=False),
    )


def build_app(directory):
    """A real app on ``directory``'s database, with the bench event type and its handler."""
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{Path(directory) / 'events.sqlite'}",
            "EVENTS_EMBEDDED_DISPATCHER": False,
            "SECRET_KEY": "bench-not-secret",
            "INSTANCE_PATH": str(Path(directory) / "instance"),
        }
    )
    if state_of(app).bus is None:
        init_app(app)
    table = handled_table()

    def record_latency(event, session):
        session.execute(
            table.insert().values(event_id=event.id, occurred=event.occurred_at.timestamp(), handled=time.time())
        )

    register_event_type(app, EventType(EVENT_TYPE, SCHEMA, "core"))
    register_handler(app, EventHandler(EVENT_TYPE, HANDLER, record_latency, "core"))
    return app


def fresh_database(directory):
    upgrade(f"sqlite:///{Path(directory) / 'events.sqlite'}")
    app = build_app(directory)
    handled_table().create(engine_of(app))
    return app


# --- 1. publish rate ----------------------------------------------------------------------


def publish_round(app, events, start):
    started = time.perf_counter()
    with app.app_context():
        for first in range(start, start + events, PER_TRANSACTION):
            with session_scope(app) as db:
                for number in range(first, first + PER_TRANSACTION):
                    publish(
                        db,
                        EVENT_TYPE,
                        {"resident_id": number + 1, "tag": "独居老人"},
                        org_path="c01/s01/m01",
                        actor="bench",
                    )
    return events / (time.perf_counter() - started)


def floor_round(path, events):
    """Raw sqlite3: the same two rows per event, built before the clock starts."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    for pragma in ("busy_timeout=30000", "journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        connection.execute(f"PRAGMA {pragma}")
    at = "2026-01-01 00:00:00.000000"
    batches = []
    for first in range(0, events, PER_TRANSACTION):
        ids = [new_event_id() for _ in range(PER_TRANSACTION)]
        batches.append(
            (
                [
                    (
                        event_id,
                        EVENT_TYPE,
                        json.dumps({"resident_id": first + 1, "tag": "独居老人"}, ensure_ascii=False),
                        "c01/s01/m01",
                        "bench",
                        at,
                    )
                    for event_id in ids
                ],
                [(event_id, HANDLER, "pending", 0, at) for event_id in ids],
            )
        )
    started = time.perf_counter()
    for event_rows, delivery_rows in batches:
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO core_event (id, type, payload, org_path, actor, occurred_at) VALUES (?, ?, ?, ?, ?, ?)",
            event_rows,
        )
        connection.executemany(
            "INSERT INTO core_event_delivery (event_id, handler, status, attempts, "
            "next_attempt_at) VALUES (?, ?, ?, ?, ?)",
            delivery_rows,
        )
        connection.execute("COMMIT")
    rate = events / (time.perf_counter() - started)
    connection.close()
    return rate


def measure_publish(directory, events, rounds):
    app = fresh_database(directory)
    path = str(Path(directory) / "events.sqlite")
    publish_round(app, PER_TRANSACTION * 5, 10**9)  # warm-up: compiled statements, connections
    ours, floor = [], []
    for round_number in range(rounds):
        floor.append(floor_round(path, events))
        ours.append(publish_round(app, events, round_number * events))
        print(f"  round {round_number + 1}: floor {floor[-1]:,.0f} events/s, ours {ours[-1]:,.0f} events/s")
    expected = events * rounds * 2 + PER_TRANSACTION * 5
    with engine_of(app).connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM core_event")).scalar()
    if stored != expected:
        raise BenchFailure(f"expected {expected} events stored, found {stored}")
    return median(ours), median(floor)


# --- 2. dispatch latency --------------------------------------------------------------------


def run_worker(directory):
    """The worker process: one dispatcher with the default settings, until SIGTERM."""
    app = build_app(directory)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    run_workers(app, concurrency=1, stop=stop)


def handled_count(app):
    with engine_of(app).connect() as conn:
        return conn.execute(text("SELECT count(*) FROM bench_handled")).scalar()


def wait_for(app, count, timeout, worker):
    deadline = time.monotonic() + timeout
    while handled_count(app) < count:
        if worker.poll() is not None:
            raise BenchFailure(f"the worker exited with {worker.returncode}")
        if time.monotonic() > deadline:
            raise BenchFailure(f"only {handled_count(app)} of {count} events handled within {timeout} s")
        time.sleep(0.05)


def measure_latency(directory, rate, seconds):
    app = fresh_database(directory)
    worker = subprocess.Popen([sys.executable, str(BENCH_DIR / "event_bus.py"), "--worker", str(directory)])
    try:
        with app.app_context():
            with session_scope(app) as db:  # warm-up: the worker is ready once this is handled
                publish(db, EVENT_TYPE, {"resident_id": 1, "tag": "预热"}, org_path="c01", actor="bench")
            wait_for(app, 1, 120, worker)
            total = int(rate * seconds)
            started = time.monotonic()
            for number in range(total):
                delay = started + number / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                with session_scope(app) as db:
                    publish(
                        db,
                        EVENT_TYPE,
                        {"resident_id": number + 2, "tag": "独居老人"},
                        org_path="c01/s01",
                        actor="bench",
                    )
            achieved = total / (time.monotonic() - started)
            wait_for(app, total + 1, 120, worker)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    with engine_of(app).connect() as conn:
        latencies = sorted(
            conn.execute(text("SELECT handled - occurred FROM bench_handled ORDER BY handled")).scalars().all()[1:]
        )
    return {
        "achieved_rate": achieved,
        "events": len(latencies),
        "p50_s": latencies[len(latencies) // 2],
        "p95_s": latencies[int(len(latencies) * 0.95)],
        "max_s": latencies[-1],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000, help="events per publish round (multiple of 100)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rate", type=float, default=200.0, help="events per second in the latency run")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return run_worker(args.worker)
    print(machine_line())
    with (
        tempfile.TemporaryDirectory(prefix="gw-bench-events-") as publish_dir,
        tempfile.TemporaryDirectory(prefix="gw-bench-latency-") as latency_dir,
    ):
        print(f"publish rate: {args.rounds} rounds of {args.events:,} events, {PER_TRANSACTION} per transaction")
        ours, floor = measure_publish(publish_dir, args.events, args.rounds)
        ratio = ours / floor
        print(
            f"publish: ours {ours:,.0f} events/s, floor {floor:,.0f} events/s (raw sqlite3), "
            f"ratio {ratio:.2f} (goal ≥ {GOAL_RATIO})"
        )
        print(
            f"latency: one worker process, {args.rate:.0f} events/s for {args.seconds:.0f} s, one event per transaction"
        )
        latency = measure_latency(latency_dir, args.rate, args.seconds)
        print(
            f"latency: p50 {latency['p50_s'] * 1000:.0f} ms, p95 {latency['p95_s'] * 1000:.0f} ms, "
            f"max {latency['max_s'] * 1000:.0f} ms over {latency['events']} events "
            f"(published at {latency['achieved_rate']:.0f}/s; goal p95 ≤ {GOAL_P95_S * 1000:.0f} ms)"
        )
    emit_json(
        "event_bus",
        publish_events_per_s=round(ours),
        floor_events_per_s=round(floor),
        publish_ratio=round(ratio, 3),
        publish_goal_met=ratio >= GOAL_RATIO,
        latency_rate_per_s=round(latency["achieved_rate"], 1),
        latency_events=latency["events"],
        latency_p50_ms=round(latency["p50_s"] * 1000, 1),
        latency_p95_ms=round(latency["p95_s"] * 1000, 1),
        latency_max_ms=round(latency["max_s"] * 1000, 1),
        latency_goal_met=latency["p95_s"] <= GOAL_P95_S,
    )


if __name__ == "__main__":
    try:
        main()
    except BenchFailure as failure:
        print(f"BENCH FAILED: {failure}")
        sys.exit(1)
