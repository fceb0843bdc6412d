"""A grid worker's due list (special_visits) in a county of 150,000 roster entries (a county
of about 1,000,000 residents: 1,000 grids), against the same SQL by hand.

Ours: ``plugins.special_visits.roster.due.due_list`` for one worker's grid — the scoped
statement (byte-wise subtree range), the join to the groups, alert visits first, then by due
date, the count — through a real ``create_app`` session. Floor: ``sqlite3`` on the same file
running the equivalent SELECT and COUNT by hand. The due list never reads the resident
register, so only roster rows are seeded (``executemany``). Reports p50/p95 per call and the
rate ratio ours/floor. Goals: p95 ≤ 50 ms and ours/floor ≥ 0.5.

    .venv/bin/python bench/visits_due_list.py       # options: --entries 150000 --grids 1000 --calls 300
"""

import argparse
import random
import sqlite3
import tempfile
import time
from datetime import date, timedelta

from _common import app_config, emit_json, machine_line, median

from core.app import create_app
from core.db import session_scope
from core.migrate import upgrade
from core.testing.databases import installed_plugin_migrations
from core.timeutil import clock
from core.tree.scope import DataScope

GOALS = {"p95_ms": 50, "ratio": 0.5}
TODAY = date(2026, 7, 15)
FLOOR_SQL = (
    "SELECT e.*, g.name FROM special_visits_entry e JOIN special_visits_group g ON g.id = e.group_id"
    " WHERE e.org_path >= ? AND e.org_path < ? AND e.status = 'active' AND (e.due_date <= ? OR"
    " (e.alert_id IS NOT NULL AND e.alert_visited_at IS NULL)) ORDER BY CASE WHEN e.alert_id IS NOT NULL AND"
    " e.alert_visited_at IS NULL THEN 0 ELSE 1 END, e.alert_due_at, e.due_date, e.id LIMIT 200"
)
FLOOR_COUNT = (
    "SELECT count(*) FROM special_visits_entry e WHERE e.org_path >= ? AND e.org_path < ? AND e.status = 'active'"
    " AND (e.due_date <= ? OR (e.alert_id IS NOT NULL AND e.alert_visited_at IS NULL))"
)


def grid_path(number):
    return f"c01/s{number // 250:02d}/m{number // 25:03d}/g{number:04d}"


def seed(url, entries, grids):
    path = url.removeprefix("sqlite:///")
    rng = random.Random(7)
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO special_visits_group (id, org_path, name, rule, frequency, checklist, grace_days, alert_kinds,"
            " active, created_at, updated_at) VALUES (1, 'c01', '独居老人', '{}', 'weekly', '[]', 2, '[]', 1,"
            " '2026-01-01', '2026-01-01')"
        )
        rows = (
            (
                1,
                n,
                grid_path(rng.randrange(grids)),
                f"居民{n}",
                "",
                "active",
                "",
                (TODAY - timedelta(days=60)).isoformat(),
                f"worker_{n % grids}",
                0,
                (TODAY + timedelta(days=rng.randint(-10, 30))).isoformat(),
                "",
            )
            for n in range(1, entries + 1)
        )
        db.executemany(
            "INSERT INTO special_visits_entry (group_id, resident_id, org_path, resident_name, address, status,"
            " status_reason, joined_on, assigned_to, assigned_override, due_date, alert_name)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def time_calls(function, calls):
    samples = []
    for _ in range(calls):
        started = time.perf_counter_ns()
        function()
        samples.append(time.perf_counter_ns() - started)
    samples.sort()
    return samples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=150_000)
    parser.add_argument("--grids", type=int, default=1_000)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    print(machine_line())
    with tempfile.TemporaryDirectory() as directory:
        config = app_config(directory)
        upgrade(config["DATABASE_URL"], installed_plugin_migrations())
        seed(config["DATABASE_URL"], args.entries, args.grids)
        app = create_app(config)
        from plugins.special_visits.roster.due import due_list, week_end

        clock.set(TODAY)
        grid = grid_path(args.grids // 2)
        with app.app_context(), session_scope(app) as db:
            scope = DataScope((grid,))
            rows, total = due_list(db, scope, view="due")
            if total == 0:
                raise SystemExit("BENCH FAILED: the due list is empty")
            ours = time_calls(lambda: due_list(db, scope, view="due"), args.calls)
        floor_db = sqlite3.connect(config["DATABASE_URL"].removeprefix("sqlite:///"))
        params = (grid, grid + "0", week_end(TODAY).isoformat())
        if floor_db.execute(FLOOR_COUNT, params).fetchone()[0] != total:
            raise SystemExit("BENCH FAILED: ours and the floor disagree on the count")
        floor = time_calls(
            lambda: (floor_db.execute(FLOOR_SQL, params).fetchall(), floor_db.execute(FLOOR_COUNT, params).fetchone()),
            args.calls,
        )
        clock.reset()
    p95 = ours[int(0.95 * len(ours)) - 1] / 1e6
    ratio = median(floor) / median(ours)
    print(
        f"entries {args.entries}, grid rows due {total}: ours p50 {median(ours) / 1e6:.2f} ms, p95 {p95:.2f} ms;"
        f" floor p50 {median(floor) / 1e6:.3f} ms; ours/floor {ratio:.2f} (goals: p95 ≤ {GOALS['p95_ms']} ms,"
        f" ratio ≥ {GOALS['ratio']})"
    )
    emit_json("visits_due_list", entries=args.entries, due=total, p95_ms=round(p95, 2), ratio=round(ratio, 3))


if __name__ == "__main__":
    main()
