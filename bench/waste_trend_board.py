"""waste_sorting's trend board for a county's year against the same aggregates in raw SQL.

Data: ``waste_sorting_inspection`` (the plugin's own model and indexes) with 730,000 rows:
200 communities (10 streets × 20) × 10 points (one per grid) × 365 daily inspections ending
today, 85 % passing. Ours: what the trend page computes for the whole county over 52 weeks —
``trends.queries.board``: pass rate per week and per community and week, from one
``GROUP BY org_path, week_start`` folded up from the points' grids in Python — through a
``GridworkSession`` and the county's ``DataScope``, the way the page reads them. Floor: the
same aggregate written by hand (``text()``, the same ``GROUP BY`` over the same range, folded
up by the same dict loop), rows as tuples, on the same session.
Goals: ours ≤ 1 s and ours/floor ≥ 0.5 (boards per second).

    .venv/bin/python bench/waste_trend_board.py      # options: --rounds 5 --reseed
"""

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from _common import BenchFailure, emit_json, machine_line, median
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from core.db import GridworkSession, make_engine
from core.public import DataScope, today
from plugins.waste_sorting.models import Inspection
from plugins.waste_sorting.trends import queries

GOAL_RATIO, GOAL_SECONDS = 0.5, 1.0
POINTS, DAYS, WEEKS = 2000, 365, 52
COUNTY = "c01"
CACHE_DIR = Path(tempfile.gettempdir()) / "gridwork-bench-cache"
SEED_VERSION = "waste_trend_board-1"
# Row n: day n / 2000 counted back from today, point n % 2000 in grid g<point> of community point / 10.
_SEED = f"""
INSERT INTO waste_sorting_inspection (org_path, point_id, checklist_id, score, passed, critical_failed, note,
    inspector, inspected_at, local_day, week_start)
SELECT path, point, NULL, CASE WHEN ok THEN 100 ELSE 60 END, ok, 0, '', 'bench', day || ' 01:00:00.000000',
       day, date(day, '-6 days', 'weekday 1')
FROM (SELECT n % {POINTS} AS point,
             'c01/s' || (n % {POINTS} / 200) || '/m' || (n % {POINTS} / 10) || '/g' || (n % {POINTS}) AS path,
             date(:first, '+' || (n / {POINTS}) || ' days') AS day,
             (n * 7919 % 100) >= 15 AS ok
      FROM (WITH RECURSIVE t(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM t WHERE n < :rows - 1) SELECT n FROM t))
"""
FLOOR_SQL = (
    "SELECT org_path, week_start, count(*), sum(passed) FROM waste_sorting_inspection "
    "WHERE org_path >= :low AND org_path < :high AND week_start >= :first GROUP BY org_path, week_start"
)


def seed(engine):
    SQLModel.metadata.drop_all(engine, tables=[Inspection.__table__])
    SQLModel.metadata.create_all(engine, tables=[Inspection.__table__])
    started = time.perf_counter()
    first = today() - timedelta(days=DAYS - 1)
    with engine.begin() as conn:
        conn.execute(text(_SEED), {"first": first.isoformat(), "rows": POINTS * DAYS})
        conn.execute(text("CREATE TABLE IF NOT EXISTS bench_seed_version (version TEXT)"))
        conn.execute(text("DELETE FROM bench_seed_version"))
        conn.execute(text("INSERT INTO bench_seed_version VALUES (:v)"), {"v": f"{SEED_VERSION}:{today()}"})
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
    print(f"seeded {POINTS * DAYS:,} inspections in {time.perf_counter() - started:.1f} s")


def seeded(engine):
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version FROM bench_seed_version")).scalar() == f"{SEED_VERSION}:{today()}"
        except DBAPIError:
            return False


def run_ours(session, scope):
    weekly, places = queries.board(session, scope, WEEKS, "community")
    return sum(total for total, _ok in weekly.values()), len(places)


def run_floor(session):
    params = {"low": COUNTY, "high": COUNTY + "0", "first": queries.weeks_back(WEEKS)[0].isoformat()}
    weekly, places = {}, {}
    for path, week, total, ok in session.execute(text(FLOOR_SQL), params).all():
        community = "/".join(path.split("/")[:3])
        for figures in (weekly, places.setdefault(community, {})):
            seen_total, seen_ok = figures.get(week, (0, 0))
            figures[week] = (seen_total + total, seen_ok + ok)
    return sum(total for total, _ok in weekly.values()), len(places)


def timed_once(call):
    started = time.perf_counter()
    answer = call()
    return time.perf_counter() - started, answer


def measure(engine, rounds):
    scope = DataScope((COUNTY,))
    with GridworkSession(engine) as session:
        ours, floor = run_ours(session, scope), run_floor(session)
        if ours != floor or floor[1] != POINTS // 10:
            raise BenchFailure(f"ours and the floor disagree: ours {ours}, floor {floor}")
        print(f"verified: both count {floor[0]:,} inspections over {floor[1]} communities")
        results = {"floor": [], "ours": []}
        for _ in range(rounds):
            results["floor"].append(timed_once(lambda: run_floor(session))[0])
            results["ours"].append(timed_once(lambda: run_ours(session, scope))[0])
    return results


def report(results, rounds):
    ours, floor = median(results["ours"]), median(results["floor"])
    ratio = floor / ours
    print(f"floor  the same GROUP BYs by hand, text()            {floor * 1000:,.0f} ms per board")
    print(f"ours   trends.queries through the county's scope    {ours * 1000:,.0f} ms per board")
    verdict = "meets" if ratio >= GOAL_RATIO and ours <= GOAL_SECONDS else "BELOW"
    print(f"ratio ours/floor: {ratio:.2f} (goal ≥ {GOAL_RATIO} and ≤ {GOAL_SECONDS} s: {verdict})")
    emit_json(
        "waste_trend_board",
        inspections=POINTS * DAYS,
        weeks=WEEKS,
        rounds=rounds,
        ours_ms=round(ours * 1000, 1),
        floor_ms=round(floor * 1000, 1),
        ratio=round(ratio, 3),
        goal_ratio=GOAL_RATIO,
        goal_seconds=GOAL_SECONDS,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="floor/ours alternations (medians reported)")
    parser.add_argument("--reseed", action="store_true", help="seed again even when the database is seeded")
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR, help="where the seeded SQLite file is kept")
    args = parser.parse_args(argv)
    print(machine_line())
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{args.cache_dir / 'waste_trend_board.sqlite'}")
    if args.reseed or not seeded(engine):
        seed(engine)
    else:
        print("seeded database reused")
    report(measure(engine, args.rounds), args.rounds)
    engine.dispose()


if __name__ == "__main__":
    try:
        main()
    except BenchFailure as failure:
        print(f"BENCH FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
