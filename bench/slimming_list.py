"""Slimming list for a county with a year of metering — 200 communities × 20 modules × 365
days — against the same aggregates in raw SQL.

Data: county c01, 10 streets × 20 communities, 20 modules switched on at the county; per
community, module and day two or three of three staff active, about four actions each; the
rollup tables as the nightly job leaves them (core_usage_daily 1.46 M rows, core_usage_weekly,
core_usage_user_day ≈ 2.9 M rows, core_usage_user_week). Seeded with INSERT … SELECT over
recursive CTEs into a migrated SQLite file, cached in /tmp/gridwork-bench-cache/ (``--reseed``).
Ours: ``core.usage.listing.slimming_list`` for the county and the year 2025-12-01 … 2026-11-30
(actions and used communities from whole weeks + edge days, exact distinct users over the
user-week and user-day rows, the previous period for the trend, enablement, ratings, form
fields, manifests, scores and advice). Floor: raw ``sqlite3`` on the same file, the same
aggregates straight from the daily tables: actions and used communities per module, distinct
users per module, for the year and the year before. Goals: ours ≤ 2 s, ours/floor ≥ 0.5.

    .venv/bin/python bench/slimming_list.py        # options: --rounds 3 --reseed
"""

import argparse
import hashlib
import shutil
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from _common import REPO_ROOT, app_config, emit_json, machine_line, median

from core.app import create_app
from core.db import session_scope
from core.migrate import upgrade
from core.plugin_system.migrations import upgrade_all
from core.state import state_of
from core.usage.listing import slimming_list
from core.usage.periods import Period

CACHE = Path("/tmp/gridwork-bench-cache")
SEED_VERSION = "1"
MODULES = [f"bench_mod{n:02d}" for n in range(1, 21)]
PERIOD = Period(date(2025, 12, 1), date(2026, 12, 1))
GOAL_SECONDS, GOAL_RATIO = 2.0, 0.5
SEED_SQL = """
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 399)
INSERT INTO core_org_node (id, parent_id, kind, name, path, depth, created_at)
SELECT 's' || (i / 20), 'c01', 'street', '街道' || (i / 20), 'c01/s' || (i / 20), 1, '2025-01-01 00:00:00'
FROM n WHERE i % 20 = 0 AND i < 200;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199)
INSERT INTO core_org_node (id, parent_id, kind, name, path, depth, created_at)
SELECT 'm' || i, 's' || (i / 20), 'community', '社区' || i, 'c01/s' || (i / 20) || '/m' || i, 2, '2025-01-01 00:00:00'
FROM n;
CREATE TEMP TABLE days AS WITH RECURSIVE d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k < 364)
SELECT k, date('2025-12-01', '+' || k || ' days') AS day FROM d;
CREATE TEMP TABLE mods AS WITH RECURSIVE m(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM m WHERE j < 20)
SELECT j, 'bench_mod' || printf('%02d', j) AS plugin FROM m;
CREATE TEMP TABLE staff AS SELECT 0 AS p UNION ALL SELECT 1 UNION ALL SELECT 2;
INSERT INTO core_usage_user_day (day, org_path, plugin, user_id)
SELECT days.day, node.path, mods.plugin, CAST(substr(node.id, 2) AS INTEGER) * 10 + staff.p
FROM days, mods, staff, core_org_node AS node
WHERE node.kind = 'community' AND (days.k + staff.p + mods.j + CAST(substr(node.id, 2) AS INTEGER)) % 3 != 0;
INSERT INTO core_usage_daily (day, org_path, plugin, actions, users)
SELECT day, org_path, plugin, 4 * COUNT(*), COUNT(*) FROM core_usage_user_day GROUP BY day, org_path, plugin;
INSERT INTO core_usage_user_week (week, org_path, plugin, user_id)
SELECT DISTINCT date(day, 'weekday 0', '-6 days'), org_path, plugin, user_id FROM core_usage_user_day;
INSERT INTO core_usage_weekly (week, org_path, plugin, actions, users)
SELECT date(day, 'weekday 0', '-6 days') AS week, org_path, plugin, SUM(actions), 0 FROM core_usage_daily
GROUP BY week, org_path, plugin;
UPDATE core_usage_weekly SET users = (SELECT COUNT(*) FROM core_usage_user_week AS w
  WHERE w.week = core_usage_weekly.week AND w.org_path = core_usage_weekly.org_path
  AND w.plugin = core_usage_weekly.plugin);
INSERT INTO core_plugin_setting (plugin, org_path, state, changed_at, changed_by)
SELECT plugin, 'c01', 'enabled', '2025-01-01 00:00:00', 'bench' FROM mods;
ANALYZE;
"""
FLOOR_SQL = (
    "SELECT plugin, SUM(actions), COUNT(DISTINCT org_path)"
    " FROM core_usage_daily WHERE day >= ? AND day < ? AND org_path >= 'c01' AND org_path < 'c010' GROUP BY plugin",
    "SELECT plugin, COUNT(DISTINCT user_id) FROM core_usage_user_day"
    " WHERE day >= ? AND day < ? AND org_path >= 'c01' AND org_path < 'c010' GROUP BY plugin",
)


def cache_key():
    texts = [SEED_VERSION, SEED_SQL]
    texts += [p.read_text() for p in sorted((REPO_ROOT / "core/migrations/versions").glob("*.py"))]
    return hashlib.sha256("".join(texts).encode()).hexdigest()[:12]


def seeded_database(reseed):
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"slimming_list-{cache_key()}.sqlite"
    if path.exists() and not reseed:
        return path
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    upgrade(f"sqlite:///{partial}")
    connection = sqlite3.connect(partial)
    connection.execute("INSERT INTO core_org_node (id, parent_id, kind, name, path, depth, created_at)"
                       " VALUES ('c01', NULL, 'county', '示范县', 'c01', 0, '2025-01-01 00:00:00')")  # fmt: skip
    connection.executescript(SEED_SQL)
    connection.commit()
    connection.close()
    partial.rename(path)
    print(f"seeded {path} in {time.perf_counter() - started:.0f} s")
    return path


def stub_modules(app):
    """The 20 bench modules as loaded plugins (names, titles, an empty manifest)."""
    host = state_of(app).host
    core = host.loaded()[0]
    modules = [SimpleNamespace(name=n, title=f"模块{n[-2:]}", manifest=SimpleNamespace(data={})) for n in MODULES]
    host.loaded = lambda: [core, *modules]


def ours(app):
    with app.test_request_context(), session_scope(app) as db:
        started = time.perf_counter()
        listing = slimming_list(db, "c01", PERIOD)
        return listing, time.perf_counter() - started


def floor(path):
    connection = sqlite3.connect(path)
    started = time.perf_counter()
    found = {}
    for period in (PERIOD, PERIOD.previous()):
        bounds = (period.start.isoformat(), period.end.isoformat())
        actions = connection.execute(FLOOR_SQL[0], bounds).fetchall()
        users = dict(connection.execute(FLOOR_SQL[1], bounds).fetchall())
        found[period] = {plugin: (n, nodes, users.get(plugin, 0)) for plugin, n, nodes in actions}
    elapsed = time.perf_counter() - started
    connection.close()
    return found[PERIOD], elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    print(machine_line())
    source = seeded_database(args.reseed)
    with tempfile.TemporaryDirectory() as directory:
        config = app_config(directory)
        path = Path(config["DATABASE_URL"].removeprefix("sqlite:///"))
        shutil.copy(source, path)
        app = create_app(config)
        upgrade_all(app)  # the plugins' tables too: the placements hook reads the scenario builder's
        stub_modules(app)
        floors, ours_times = [], []
        for round_number in range(args.rounds):
            expected, floor_seconds = floor(path)
            listing, ours_seconds = ours(app)
            floors.append(floor_seconds)
            ours_times.append(ours_seconds)
            check(listing, expected)
            print(f"  round {round_number + 1}: floor {floor_seconds:.2f} s, ours {ours_seconds:.2f} s")
    ratio = median(floors) / median(ours_times)
    print(
        f"slimming list, 200 communities × 20 modules × 365 days: floor {median(floors):.2f} s, ours "
        f"{median(ours_times):.2f} s (goal ≤ {GOAL_SECONDS} s) → {ratio:.2f} of the floor (goal ≥ {GOAL_RATIO})"
    )
    emit_json("slimming_list", floor_s=round(median(floors), 3), ours_s=round(median(ours_times), 3),
              ratio=round(ratio, 2), goal_seconds=GOAL_SECONDS, goal_ratio=GOAL_RATIO)  # fmt: skip


def check(listing, expected):
    """Ours must say what the raw SQL says, for every module."""
    rows = {row["plugin"]: (row["actions"], row["used_nodes"], row["users"]) for row in listing["modules"]}
    if rows != expected or len(rows) != len(MODULES):
        raise SystemExit(f"BENCH FAILED: the slimming list disagrees with the raw SQL: {rows} vs {expected}")


if __name__ == "__main__":
    main()
