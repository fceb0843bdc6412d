"""Rosters kept up by the event bus (special_visits): resident tag events into roster rows,
against bare SQL upserts of the same rows.

Ours: ``--events`` ``resident_info.resident_tagged`` events (one per living resident who
carries a tag a default group asks for: that tag), published with ``core.events.publish``
100 per transaction through a real ``create_app`` session, then delivered in this thread
(``Dispatcher.drain``, one transaction per handler's share of a claimed batch) to the batch
handler ``roster.round_facts.on_resident_events``, which re-checks the round's residents
against the groups whose rule names their tag (one rule check per group for the whole round)
and writes or updates their entries. Timed: publish plus delivery.
Floor: the roster rows ours produced, written again with ``sqlite3`` ``executemany`` as
``INSERT … ON CONFLICT (group_id, resident_id) DO UPDATE`` into an empty table of the same
shape, in as many transactions as ours published. Residents (``resident_seed.resident_rows``,
1,000 per grid) and the tree are seeded with raw inserts. Goal: ours/floor ≥ 0.3.

    .venv/bin/python bench/visits_roster_maintenance.py     # options: --events 100000 --batch 20
"""

import argparse
import random
import sqlite3
import tempfile
import time

import resident_seed
from _common import BenchFailure, app_config, emit_json, machine_line

from core.app import create_app
from core.db import engine_of, session_scope
from core.events import publish
from core.events.dispatch import Dispatcher
from core.migrate import upgrade
from core.plugin_system.enablement import set_state
from core.state import state_of
from core.testing.databases import installed_plugin_migrations
from core.timeutil import clock

GOAL = 0.3
PER_TRANSACTION = 100
GROUP_TAGS = {"独居老人", "空巢老人", "残疾", "留守儿童", "低保"}  # the default groups' rules
COUNTY = resident_seed.COUNTY
ENTRY_COLUMNS = (
    "group_id, resident_id, org_path, resident_name, address, status, status_reason, joined_on, assigned_to,"
    " assigned_override, due_date, alert_name"
)


def seed_residents(path, events):
    """Whole grids of residents until ``events`` living ones carry a tag some default group
    asks for; returns (resident id, grid, that tag) for each, the events to publish."""
    rng, taken, people = random.Random(11), set(), []
    resident_sql = (
        f"INSERT INTO resident_info_resident ({', '.join(resident_seed.RESIDENT_COLUMNS)})"
        f" VALUES ({', '.join('?' * len(resident_seed.RESIDENT_COLUMNS))})"
    )
    tag_sql = f"INSERT INTO resident_info_resident_tag ({', '.join(resident_seed.TAG_COLUMNS)}) VALUES (?, ?, ?, ?)"
    with sqlite3.connect(path) as db:
        for grid_number, grid in enumerate(resident_seed.grid_paths()):
            if len(people) >= events:
                break
            first_id = grid_number * resident_seed.RESIDENTS_PER_GRID + 1
            residents, tags = resident_seed.resident_rows(rng, grid, first_id, taken, "2026-11-21 00:00:00")
            db.executemany(resident_sql, residents)
            db.executemany(tag_sql, tags)
            group_tag = {}
            for resident_id, tag, _level, _sensitive in tags:
                if tag in GROUP_TAGS:
                    group_tag.setdefault(resident_id, tag)
            living = {row[0] for row in residents if row[15] == "living"}  # 15: status
            people += [(rid, grid, tag) for rid, tag in group_tag.items() if rid in living]
    return people[:events]


def build_app(directory):
    config = app_config(directory)
    upgrade(config["DATABASE_URL"], installed_plugin_migrations())
    app = create_app({**config, "EVENTS_EMBEDDED_DISPATCHER": False})
    from sqlalchemy import insert

    from core.tree.models import OrgNode

    with app.app_context(), engine_of(app).begin() as conn:
        conn.execute(insert(OrgNode.__table__), resident_seed.org_rows())
    return app, config["DATABASE_URL"].removeprefix("sqlite:///")


def switch_on(app):
    from plugins.special_visits.groups.services import ensure_default_groups

    with app.app_context(), session_scope(app) as db:
        for plugin in ("resident_info", "special_visits"):
            set_state(db, state_of(app).host, plugin, COUNTY, "enabled", actor="bench")
        db.commit()
        ensure_default_groups(db, COUNTY)
        db.commit()


def run_ours(app, people, batch_size=None):
    started = time.perf_counter()
    with app.app_context():
        for start in range(0, len(people), PER_TRANSACTION):
            with session_scope(app) as db:
                for resident_id, grid, tag in people[start : start + PER_TRANSACTION]:
                    payload = {"resident_id": resident_id, "org_path": grid, "tag": tag}
                    publish(db, "resident_info.resident_tagged", payload, org_path=grid, actor="bench")
                db.commit()
        delivered = Dispatcher(app, batch_size=batch_size).drain()
    return time.perf_counter() - started, delivered


def run_floor(path, transactions):
    with sqlite3.connect(path) as db:
        rows = db.execute(f"SELECT {ENTRY_COLUMNS} FROM special_visits_entry ORDER BY resident_id").fetchall()
        db.execute(f"CREATE TABLE floor_entry AS SELECT id, {ENTRY_COLUMNS} FROM special_visits_entry WHERE 0")
        db.execute("CREATE UNIQUE INDEX floor_entry_key ON floor_entry (group_id, resident_id)")
    upsert = (
        f"INSERT INTO floor_entry ({ENTRY_COLUMNS}) VALUES ({', '.join('?' * 12)}) ON CONFLICT (group_id, resident_id)"
        " DO UPDATE SET org_path = excluded.org_path, resident_name = excluded.resident_name,"
        " address = excluded.address, status = excluded.status, assigned_to = excluded.assigned_to"
    )
    db = sqlite3.connect(path)
    started = time.perf_counter()
    chunk = max(1, -(-len(rows) // transactions))  # as many transactions as ours published
    for start in range(0, len(rows), chunk):
        db.executemany(upsert, rows[start : start + chunk])
        db.commit()
    return time.perf_counter() - started, len(rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=None, help="deliveries per claim (default: EVENTS_BATCH_SIZE)")
    args = parser.parse_args()
    print(machine_line())
    with tempfile.TemporaryDirectory(prefix="gw-bench-visits-") as directory:
        clock.set(resident_seed.TODAY)
        app, path = build_app(directory)
        people = seed_residents(path, args.events)
        switch_on(app)
        ours, delivered = run_ours(app, people, args.batch)
        floor, entries = run_floor(path, -(-len(people) // PER_TRANSACTION))
        clock.reset()
    if delivered < len(people) or entries == 0:
        raise BenchFailure(f"BENCH FAILED: {delivered} deliveries for {len(people)} events, {entries} roster rows")
    ratio = floor / ours
    print(
        f"{len(people):,} events → {entries:,} roster rows: ours {len(people) / ours:,.0f} events/s ({ours:.1f} s),"
        f" floor {floor:.2f} s for the same rows; ours/floor {ratio:.3f} (goal ≥ {GOAL})"
    )
    emit_json("visits_roster_maintenance", events=len(people), entries=entries, ours_s=round(ours, 2), ratio=ratio)


if __name__ == "__main__":
    main()
