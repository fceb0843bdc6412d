"""Filtered, paged resident list: one community of a 1,000,000-resident county, through the
authenticated API, against the same SQL run directly.

Ours: ``GET /api/v1/resident_info/residents?org_path=<community>&tag=独居老人&name_prefix=王
&limit=20`` on ``create_app`` with a community admin's bearer token — authentication, the
permission and plugin checks, the data scope, the page and the total count, masking —
under gunicorn, 2 sync workers. Floor: a bare Flask app running the very statements ours
sent (captured from one request of ours: page + count, same SQL, same parameters) on a
plain SQLAlchemy connection and returning the rows as JSON, served the same way.
Goals: ours p95 ≤ 50 ms, ours/floor ≥ 0.5 (req/s).

    .venv/bin/python bench/resident_list.py --seconds 10
    .venv/bin/python bench/resident_list.py --postgres postgresql+psycopg://postgres@127.0.0.1:54329/postgres
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from _common import BenchFailure, Gunicorn, emit_json, fetch, machine_line, median, wrk_available
from http_read import run_rounds
from resident_seed import COMMUNITY, RESIDENTS_PER_GRID, app_for, seed, seed_key

GOAL_RATIO, GOAL_P95_MS = 0.5, 50.0
QUERY = {"org_path": COMMUNITY, "tag": "独居老人", "name_prefix": "王", "limit": "20"}
ROUTE = "/api/v1/resident_info/residents?" + urlencode(QUERY)
FLOOR_ROUTE = "/floor/residents"
CACHE_DIR = Path(tempfile.gettempdir()) / "gridwork-bench-cache"


# --- the floor: the same statements, no framework around them -----------------------------


def floor_app():
    """gunicorn factory (``'resident_list:floor_app()'``)."""
    from flask import Flask
    from sqlalchemy import create_engine

    engine = create_engine(os.environ["BENCH_DATABASE_URL"])
    (page_sql, page_params), (count_sql, count_params) = json.loads(os.environ["BENCH_FLOOR_STATEMENTS"])
    page_params, count_params = _driver_params(page_params), _driver_params(count_params)
    app = Flask("floor")
    app.json.ensure_ascii = False

    @app.get(FLOOR_ROUTE)
    def residents():
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(page_sql, page_params).mappings().all()
            total = conn.exec_driver_sql(count_sql, count_params).scalar_one()
        return {"items": [{key: _plain(value) for key, value in row.items()} for row in rows], "total": total}

    return app


def _driver_params(params):
    return tuple(params) if isinstance(params, list) else params  # sqlite3: positional; psycopg: named


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def ours_app():
    """gunicorn factory (``'resident_list:ours_app()'``): the real app."""
    from core.app import create_app

    return create_app(json.loads(os.environ["BENCH_APP_CONFIG"]))


# --- the database: seeded once, cached --------------------------------------------------


def prepare_sqlite(cache_dir, reseed):
    """(database URL, token) of the cached SQLite file, seeding it first when missing."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path, sidecar = cache_dir / f"resident_list-{seed_key()}.sqlite", cache_dir / f"resident_list-{seed_key()}.json"
    if reseed or not (path.exists() and sidecar.exists()):
        print(f"seeding {path} (once per seed key; about 2 minutes) ...")
        partial = path.with_suffix(".partial")
        for stale in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            stale.unlink(missing_ok=True)
        token = seed(f"sqlite:///{partial}", cache_dir, progress=_every_tenth)
        partial.rename(path)
        sidecar.write_text(json.dumps({"token": token}))
    else:
        print(f"cached database: {path}")
    return f"sqlite:///{path}", json.loads(sidecar.read_text())["token"]


def prepare_postgres(admin_url, database, reseed):
    """(database URL, token) of ``database`` on that server, (re)created when its key differs."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(admin_url).set(database=database).render_as_string(hide_password=False)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}).first()
    stored = None if reseed or not exists else _stored_seed(url)
    if stored and stored[0] == seed_key():
        print(f"cached database: {database}")
        admin.dispose()
        return url, stored[1]
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
        # A Chinese collation, as a real deployment would have: plain LIKE 'x%' and < >
        # comparisons then cannot use ordinary indexes — what the list query must cope with.
        conn.execute(
            text(
                f"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8' "
                "LOCALE_PROVIDER icu ICU_LOCALE 'zh-Hans-CN' LOCALE 'C.UTF-8'"
            )
        )
    admin.dispose()
    print(f"seeding {database} (once per seed key; a few minutes) ...")
    with tempfile.TemporaryDirectory(prefix="gridwork-bench-") as directory:
        token = seed(url, directory, progress=_every_tenth)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_seed (key TEXT, token TEXT)"))
        conn.execute(text("INSERT INTO bench_seed VALUES (:k, :t)"), {"k": seed_key(), "t": token})
    engine.dispose()
    return url, token


def _stored_seed(url):
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import ProgrammingError

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT key, token FROM bench_seed")).first()
    except ProgrammingError:
        return None
    finally:
        engine.dispose()


def _every_tenth(message):
    if "00,000 residents" in message:
        print(message, flush=True)


# --- what ours sends: captured from one in-process request ------------------------------


def capture_statements(database_url, headers, directory):
    """One request of ours through the Flask test client; returns (the page and count
    statements it sent to the database, as (SQL, parameters), and its JSON answer)."""
    from sqlalchemy import event

    from core.db import engine_of

    app = app_for(database_url, directory)
    sent = []
    with app.app_context():
        engine = engine_of(app)
        listener = lambda _c, _cur, statement, params, _ctx, _many: sent.append((statement, params))  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        response = app.test_client().get(ROUTE, headers=headers)
        event.remove(engine, "before_cursor_execute", listener)
        if response.status_code != 200:
            raise BenchFailure(f"ours: GET {ROUTE} answered {response.status_code}: {response.get_data()[:500]!r}")
        ours = [
            (sql, list(p) if isinstance(p, tuple) else dict(p))
            for sql, p in sent
            if "FROM resident_info_resident" in sql
        ]
        if len(ours) != 2:
            raise BenchFailure(f"expected a page and a count statement, got {len(ours)}: {ours}")
        print_plans(engine, ours)
        engine.dispose()
    return ours, response.get_json()


def print_plans(engine, statements):
    """The query plans, so a run shows that the index serves both statements."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        for (sql, params), title in zip(statements, ("page", "count")):
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (COSTS OFF) "
            rows = conn.exec_driver_sql(prefix + sql, _driver_params(params)).all()
            lines = [row[-1] for row in rows] if sqlite else [row[0] for row in rows]
            print(f"plan ({title}):\n    " + "\n    ".join(line[:150] for line in lines))


def verify(ours_answer, floor):
    status, body = fetch(floor.base_url + FLOOR_ROUTE)
    floor_answer = json.loads(body) if status == 200 else {"total": f"status {status}", "items": []}
    ours_ids = [item["id"] for item in ours_answer["items"]]
    if floor_answer["total"] != ours_answer["total"] or [row["id"] for row in floor_answer["items"]] != ours_ids:
        raise BenchFailure(f"ours and the floor disagree: {ours_answer['total']} vs {floor_answer['total']}")
    if not ours_ids:
        raise BenchFailure("the list is empty: the seed does not match the query")
    names = sorted({item["name"][0] for item in ours_answer["items"]})
    print(
        f"verified: {ours_answer['total']} matching residents (page of {len(ours_ids)}, names start with "
        f"{''.join(names)}) of the community's ~{RESIDENTS_PER_GRID * 10:,}; both answers agree"
    )


# --- measuring --------------------------------------------------------------------------


def report(results, database, tool, seconds, args):
    keys = ("rps", "p50_ms", "p95_ms", "p99_ms", "cpu_us")
    figures = {name: {key: round(median([r[key] for r in runs]), 2) for key in keys} for name, runs in results.items()}
    floor, ours = figures["floor"], figures["ours"]
    ratio, cpu_ratio = ours["rps"] / floor["rps"], floor["cpu_us"] / ours["cpu_us"]
    paired = [o["rps"] / f["rps"] for o, f in zip(results["ours"], results["floor"])]
    for title, values in (
        ("floor  bare Flask, the same two statements", floor),
        ("ours   Gridwork API, bearer token, scope, masking", ours),
    ):
        print(
            f"{title}: {values['rps']:,.0f} req/s (p50 {values['p50_ms']} ms, p95 {values['p95_ms']} ms, "
            f"p99 {values['p99_ms']} ms, server CPU {values['cpu_us']:.0f} µs/request)"
        )
    # On PostgreSQL the queries' own CPU is spent in the database server, outside gunicorn.
    cpu_note = "" if database == "sqlite" else " (gunicorn only: the database server's CPU is not in it)"
    print(
        f"ratio ours/floor: {ratio:.2f} (goal ≥ {GOAL_RATIO}: {'meets' if ratio >= GOAL_RATIO else 'BELOW'}); "
        f"per round: {', '.join(f'{r:.2f}' for r in paired)}; from server CPU per request: {cpu_ratio:.2f}{cpu_note}"
    )
    print(
        f"ours p95: {ours['p95_ms']} ms (goal ≤ {GOAL_P95_MS:.0f} ms: "
        f"{'meets' if ours['p95_ms'] <= GOAL_P95_MS else 'ABOVE'}); p50 {ours['p50_ms']} ms"
    )
    emit_json(
        "resident_list",
        database=database,
        route=ROUTE,
        tool=tool,
        seconds=seconds,
        rounds=args.rounds,
        connections=args.connections,
        floor=floor,
        ours=ours,
        ratio=round(ratio, 3),
        round_ratios=[round(r, 3) for r in paired],
        cpu_ratio=round(cpu_ratio, 3),
        goal_ratio=GOAL_RATIO,
        goal_p95_ms=GOAL_P95_MS,
    )


def serve_and_measure(database_url, statements, ours_answer, headers, tool, seconds, args, directory):
    config = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-secret-key-not-secret",
        "INSTANCE_PATH": str(Path(directory) / "instance"),
    }
    env = {
        "BENCH_APP_CONFIG": json.dumps(config),
        "BENCH_DATABASE_URL": database_url,
        "BENCH_FLOOR_STATEMENTS": json.dumps(statements),
    }
    ours = Gunicorn("resident_list:ours_app()", env, log_dir=directory)
    floor = Gunicorn("resident_list:floor_app()", env, log_dir=directory)
    try:
        ours.start(ready_path=ROUTE)
        floor.start(ready_path=FLOOR_ROUTE)
        verify(ours_answer, floor)
        status, body = fetch(ours.base_url + ROUTE, headers)
        if status != 200 or json.loads(body)["total"] != ours_answer["total"]:
            raise BenchFailure(f"ours under gunicorn: {status} {body[:300]!r}")
        targets = {"floor": (floor, floor.base_url + FLOOR_ROUTE, {}), "ours": (ours, ours.base_url + ROUTE, headers)}
        return run_rounds(targets, tool, seconds, args)
    except BenchFailure:
        for server in (ours, floor):
            print(f"--- {server.app_spec} log ---\n{server.log()}", file=sys.stderr)
        raise
    finally:
        ours.stop()
        floor.stop()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="duration of each measured run")
    parser.add_argument("--rounds", type=int, default=3, help="floor/ours alternations (medians reported)")
    parser.add_argument("--warmup", type=float, default=5, help="warm-up seconds per server")
    parser.add_argument("--connections", type=int, default=4, help="2 per worker: both always busy")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (it shares the cores)")
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server (its admin database URL)")
    parser.add_argument("--pg-database", default="gridwork_bench", help="the database created for the bench")
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR, help="where the seeded SQLite file is kept")
    parser.add_argument("--reseed", action="store_true", help="seed again even when the cached database fits")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.tool == "wrk" and not wrk_available():
        raise BenchFailure("wrk is not installed (apt-get install wrk), or use --tool python")
    tool = "wrk" if args.tool == "wrk" or (args.tool == "auto" and wrk_available()) else "python"
    seconds = max(1, round(args.seconds)) if tool == "wrk" else args.seconds
    print(machine_line())
    if args.postgres:
        database_url, token = prepare_postgres(args.postgres, args.pg_database, args.reseed)
    else:
        database_url, token = prepare_sqlite(args.cache_dir, args.reseed)
    database = "postgresql" if args.postgres else "sqlite"
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    with tempfile.TemporaryDirectory(prefix="gridwork-bench-") as directory:
        statements, ours_answer = capture_statements(database_url, headers, directory)
        results = serve_and_measure(database_url, statements, ours_answer, headers, tool, seconds, args, directory)
    report(results, database, tool, seconds, args)


if __name__ == "__main__":
    try:
        main()
    except BenchFailure as failure:
        print(f"BENCH FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
