"""A scoped list of a generic plugin table through the core's scope, against the same SQL by hand.

Data: ``bench_scoped_record`` (id, org_path, title, created_at) with the index docs/plugins.md
prescribes (``org_path``, ``text_pattern_ops`` on PostgreSQL), 1,000,000 rows over county
``c01``: 10 streets × 20 communities × 10 grids, 500 rows per grid, each grid's rows
inserted together (as a register is filled, community by community). Ours: one community's
first page — ``scoped(select(Record), DataScope((community,)), Record.org_path)`` ordered by
title, 50 rows — through a ``GridworkSession``, the way a plugin reads it (the fail-closed
check, compiled-statement cache, ORM objects) — and the same with ``select`` of its columns
(rows, no objects: what the scope costs without SQLAlchemy's object loading). Floor: the same
SQL written by hand (``text()``, the range as two bound parameters, same ORDER BY and LIMIT)
on the same session, rows as tuples. Goal: ours/floor ≥ 0.8 (pages per second).

    .venv/bin/python bench/scoped_list.py
    .venv/bin/python bench/scoped_list.py --postgres postgresql+psycopg://postgres@127.0.0.1:54329/postgres
"""

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Optional

from _common import BenchFailure, emit_json, machine_line, median
from sqlalchemy import Index, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Field, SQLModel, select

from core.db import GridworkSession, make_engine
from core.public import DataScope, scoped

GOAL_RATIO = 0.8
ROWS, GRIDS_PER_COMMUNITY, COMMUNITIES_PER_STREET = 1_000_000, 10, 20
COMMUNITY = "c01/s5/m105"  # street 5's community 105: neither the first rows nor the last
PAGE = 50
CACHE_DIR = Path(tempfile.gettempdir()) / "gridwork-bench-cache"
SEED_VERSION = "scoped_list-1"


class Record(SQLModel, table=True):
    """A plugin table as docs/plugins.md tells a plugin to write it."""

    __tablename__ = "bench_scoped_record"
    __tenant_path_column__ = "org_path"
    __table_args__ = (
        Index("ix_bench_scoped_record_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    org_path: str = Field(max_length=300)
    title: str = Field(max_length=100)
    created_at: datetime


# Row n (0-based) lies in grid n / 500; grid k in community k / 10, community c in street c / 20.
_GRID = f"(n / {ROWS // 2000})"
_PATH = (
    f"'c01/s' || ({_GRID} / {GRIDS_PER_COMMUNITY * COMMUNITIES_PER_STREET}) || '/m' || ({_GRID} / "
    f"{GRIDS_PER_COMMUNITY}) || '/g' || {_GRID}"
)
_TITLE = "'记录 ' || ((n % 100003) * 7919 % 100003)"  # in no particular order; fits PostgreSQL's int4
_NUMBERS = {
    "sqlite": "(WITH RECURSIVE t(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM t WHERE n < :rows - 1) SELECT n FROM t)",
    "postgresql": "generate_series(0, :rows - 1) AS n",
}
FLOOR_SQL = {
    "sqlite": "SELECT id, org_path, title, created_at FROM bench_scoped_record "
    "WHERE org_path >= :low AND org_path < :high ORDER BY title, id LIMIT :limit",
    "postgresql": "SELECT id, org_path, title, created_at FROM bench_scoped_record "
    "WHERE org_path ~>=~ :low AND org_path ~<~ :high ORDER BY title, id LIMIT :limit",
}


def seed(engine):
    """1,000,000 rows in one INSERT … SELECT (a recursive CTE / generate_series), then the index."""
    dialect = engine.dialect.name
    SQLModel.metadata.drop_all(engine, tables=[Record.__table__])
    SQLModel.metadata.create_all(engine, tables=[Record.__table__])
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_bench_scoped_record_org_path"))  # built once, after the rows
        conn.execute(
            text(
                "INSERT INTO bench_scoped_record (org_path, title, created_at) "
                f"SELECT {_PATH}, {_TITLE}, CURRENT_TIMESTAMP FROM {_NUMBERS[dialect]}"
            ),
            {"rows": ROWS},
        )
        next(iter(Record.__table__.indexes)).create(conn)
        conn.execute(text("CREATE TABLE IF NOT EXISTS bench_seed_version (version TEXT)"))
        conn.execute(text("DELETE FROM bench_seed_version"))
        conn.execute(text("INSERT INTO bench_seed_version VALUES (:v)"), {"v": SEED_VERSION})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if dialect == "postgresql" else "ANALYZE"))
    print(f"seeded {ROWS:,} rows in {time.perf_counter() - started:.1f} s")


def seeded(engine):
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version FROM bench_seed_version")).scalar() == SEED_VERSION
        except DBAPIError:  # no such table yet: a fresh database
            return False


def ours_query(scope, columns=False):
    """The page as a plugin writes it: ``select(Record)`` (or its columns) through the scope."""
    selected = select(Record.id, Record.org_path, Record.title, Record.created_at) if columns else select(Record)
    return scoped(selected.order_by(Record.title, Record.id).limit(PAGE), scope, Record.org_path)


def run_ours(session, scope):
    rows = session.exec(ours_query(scope)).all()
    session.expunge_all()  # a request's session starts empty: no identity-map hits across calls
    return [(row.id, row.title) for row in rows]


def run_ours_rows(session, scope):
    return [(row.id, row.title) for row in session.exec(ours_query(scope, columns=True)).all()]


def run_floor(session, dialect):
    params = {"low": COMMUNITY, "high": COMMUNITY + "0", "limit": PAGE}
    return [(row.id, row.title) for row in session.execute(text(FLOOR_SQL[dialect]), params).all()]


def timed(call, seconds):
    """Calls per second of ``call`` over about ``seconds``."""
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        call()
        count += 1
    return count / elapsed


def print_plan(engine, scope):
    compiled = ours_query(scope).compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as conn:
        rows = conn.execute(text(prefix + str(compiled))).all()
    print("ours: " + " ".join(str(compiled).split()))
    print("plan:\n    " + "\n    ".join(str(row[-1] if engine.dialect.name == "sqlite" else row[0]) for row in rows))


def measure(engine, seconds, rounds):
    dialect, scope = engine.dialect.name, DataScope((COMMUNITY,))
    with GridworkSession(engine) as session:
        runs = {
            "floor": lambda: run_floor(session, dialect),
            "ours": lambda: run_ours(session, scope),
            "ours_rows": lambda: run_ours_rows(session, scope),
        }
        answers = {name: run() for name, run in runs.items()}
        if len({tuple(answer) for answer in answers.values()}) != 1 or len(answers["floor"]) != PAGE:
            raise BenchFailure(f"ours and the floor disagree: { {k: v[:2] for k, v in answers.items()} }")
        print(f"verified: all three return the same {PAGE} rows of {COMMUNITY}")
        for run in runs.values():  # warm-up: statement caches, database pages
            timed(run, 1)
        results = {name: [] for name in runs}
        for _ in range(rounds):  # alternating, so all see the same load
            for name, run in runs.items():
                results[name].append(timed(run, seconds))
    return results


def report(results, database, seconds, rounds):
    figures = {name: median(values) for name, values in results.items()}
    floor = figures["floor"]
    lines = (
        ("floor", "the same SQL by hand, text(), rows"),
        ("ours", "scoped(select(Record), …), ORM objects"),
        ("ours_rows", "scoped(select(Record.id, …), …), rows"),
    )
    for name, title in lines:
        print(f"{name:<9} {title:<42} {figures[name]:,.0f} pages/s ({1000 / figures[name]:.3f} ms)")
    ratios = {name: figures[name] / floor for name in ("ours", "ours_rows")}
    for name, ratio in ratios.items():
        paired = ", ".join(f"{o / f:.2f}" for o, f in zip(results[name], results["floor"]))
        verdict = "meets" if ratio >= GOAL_RATIO else "BELOW"
        print(f"ratio {name}/floor: {ratio:.2f} (goal ≥ {GOAL_RATIO}: {verdict}); per round: {paired}")
    emit_json(
        "scoped_list",
        database=database,
        rows=ROWS,
        community=COMMUNITY,
        page=PAGE,
        seconds=seconds,
        rounds=rounds,
        per_s={name: round(value, 1) for name, value in figures.items()},
        ratio=round(ratios["ours"], 3),
        ratio_rows=round(ratios["ours_rows"], 3),
        goal_ratio=GOAL_RATIO,
    )


def engine_for(args):
    if not args.postgres:
        args.cache_dir.mkdir(parents=True, exist_ok=True)
        return make_engine(f"sqlite:///{args.cache_dir / 'scoped_list.sqlite'}")
    from sqlalchemy.engine import make_url

    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": args.pg_database}).first():
            # A Chinese ICU collation, as a deployment would have: only byte-wise ranges are right there.
            conn.execute(
                text(
                    f"CREATE DATABASE \"{args.pg_database}\" TEMPLATE template0 ENCODING 'UTF8' "
                    "LOCALE_PROVIDER icu ICU_LOCALE 'zh-Hans-CN' LOCALE 'C.UTF-8'"
                )
            )
    admin.dispose()
    return make_engine(make_url(args.postgres).set(database=args.pg_database).render_as_string(hide_password=False))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3, help="duration of each measured run")
    parser.add_argument("--rounds", type=int, default=5, help="floor/ours alternations (medians reported)")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server (its admin database URL)")
    parser.add_argument("--pg-database", default="gridwork_bench_scoped", help="the database created for the bench")
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR, help="where the seeded SQLite file is kept")
    parser.add_argument("--reseed", action="store_true", help="seed again even when the database is seeded")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    print(machine_line())
    engine = engine_for(args)
    if args.reseed or not seeded(engine):
        seed(engine)
    else:
        print("seeded database reused")
    print_plan(engine, DataScope((COMMUNITY,)))
    results = measure(engine, args.seconds, args.rounds)
    report(results, engine.dialect.name, args.seconds, args.rounds)
    engine.dispose()


if __name__ == "__main__":
    try:
        main()
    except BenchFailure as failure:
        print(f"BENCH FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
