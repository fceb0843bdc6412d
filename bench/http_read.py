"""HTTP read throughput: one org node through the whole Gridwork stack, against a bare floor.

Ours: ``GET /api/v1/orgs/g01`` on ``create_app`` — bearer-token authentication, the
permission check and data-scope check, one SQLModel session — under gunicorn with 2 sync
workers. Floor: a bare Flask + SQLModel app (no auth, one session per request) reading
the same row of the same SQLite file, served the same way. The figure that survives a
noisy machine is the ratio ours/floor (goal ≥ 0.5, DESIGN §8).

    .venv/bin/python bench/http_read.py --seconds 10
"""

import argparse
import json
import os
import sys
import tempfile
from datetime import datetime
from typing import Optional

from _common import (
    TARGET_NODE,
    TARGET_PATH,
    BenchFailure,
    Gunicorn,
    app_config,
    emit_json,
    fetch,
    machine_line,
    median,
    prepare_demo_database,
    run_python_client,
    run_wrk,
    wrk_available,
)
from flask import Flask, abort
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel, create_engine

GOAL_RATIO = 0.5
ORGS_RULE = "/api/v1/orgs/<node_id>"
FLOOR_URL = f"/floor/orgs/{TARGET_NODE}"


# --- the floor: bare Flask + SQLModel ------------------------------------------------------


class FloorBase(SQLModel, registry=registry()):
    """Its own registry: the floor's table must not clash with core's OrgNode in one process."""


class FloorNode(FloorBase, table=True):
    __tablename__ = "core_org_node"

    id: str = Field(primary_key=True)
    parent_id: Optional[str] = None
    kind: str
    name: str
    path: str
    depth: int
    created_at: datetime


def floor_app():
    """gunicorn factory (``'http_read:floor_app()'``): the database URL comes from the environment."""
    engine = create_engine(os.environ["BENCH_DATABASE_URL"])
    app = Flask("floor")
    app.json.ensure_ascii = False

    @app.get("/floor/orgs/<node_id>")
    def read_node(node_id):
        with Session(engine) as session:
            node = session.get(FloorNode, node_id)
            if node is None:
                abort(404)
            return {
                "id": node.id,
                "parent_id": node.parent_id,
                "kind": node.kind,
                "name": node.name,
                "path": node.path,
                "depth": node.depth,
                "created_at": node.created_at.isoformat(),
            }

    return app


# --- ours: the real app ------------------------------------------------------------------


def ours_app():
    """gunicorn factory (``'http_read:ours_app()'``). gunicorn's ``module:factory()`` form
    builds the app in each worker, so no module-level app is needed even here."""
    from core.app import create_app

    return create_app(json.loads(os.environ["BENCH_APP_CONFIG"]))


def choose_route(app):
    """The orgs route when core/orgs/api.py is there; /api/v1/me (also authenticated) otherwise."""
    if any(rule.rule == ORGS_RULE for rule in app.url_map.iter_rules()):
        return f"/api/v1/orgs/{TARGET_NODE}", True
    print(f"WARNING: {ORGS_RULE} is not registered (core/orgs/api.py missing?); measuring GET /api/v1/me instead")
    return "/api/v1/me", False


def verify(ours, route, is_orgs, headers, floor):
    status, body = fetch(ours.base_url + route, headers)
    if status != 200:
        raise BenchFailure(f"ours: GET {route} answered {status}: {body[:500]!r}")
    data = json.loads(body)
    if is_orgs and TARGET_PATH not in json.dumps(data):
        raise BenchFailure(f"ours: GET {route} did not return node {TARGET_PATH}: {data}")
    if not is_orgs and data.get("username") != "community_admin":
        raise BenchFailure(f"ours: GET {route} returned someone else: {data}")
    status, body = fetch(floor.base_url + FLOOR_URL)
    if status != 200 or json.loads(body).get("path") != TARGET_PATH:
        raise BenchFailure(f"floor: GET {FLOOR_URL} answered {status}: {body[:500]!r}")
    print(f"verified: ours {route} → 200 {body_preview(data)}; floor {FLOOR_URL} → 200")


def body_preview(data):
    text = json.dumps(data, ensure_ascii=False)
    return text if len(text) < 160 else text[:157] + "..."


def measure(tool, server, url, seconds, headers, args):
    cpu_before = server_cpu_seconds(server.process.pid)
    if tool == "wrk":
        result = run_wrk(url, seconds, headers, args.connections, args.threads)
    else:
        result = run_python_client(url, seconds, headers, args.connections)
    if result["errors"]:
        raise BenchFailure(f"{result['errors']} failed requests on {url}: the figure would be meaningless")
    result["cpu_us"] = (server_cpu_seconds(server.process.pid) - cpu_before) / result["requests"] * 1e6
    return result


def server_cpu_seconds(process_group):
    """CPU time used so far by every process of the server's process group (master and
    workers), from /proc. CPU per request hardly moves when other processes share the
    cores, unlike req/s — the steadier figure on a busy machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rpartition(")")[2].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == process_group:  # fields[2] is pgrp; [11], [12] utime, stime
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="duration of each measured run")
    parser.add_argument("--rounds", type=int, default=3, help="floor/ours alternations (medians reported)")
    parser.add_argument("--warmup", type=float, default=5, help="warm-up seconds per server")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (it shares the 2 cores)")
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.tool == "wrk" and not wrk_available():
        raise BenchFailure("wrk is not installed (apt-get install wrk), or use --tool python")
    tool = "wrk" if args.tool == "wrk" or (args.tool == "auto" and wrk_available()) else "python"
    seconds = max(1, round(args.seconds)) if tool == "wrk" else args.seconds  # wrk takes whole seconds
    print(machine_line())
    with tempfile.TemporaryDirectory(prefix="gridwork-bench-") as directory:
        app, _user_id, token = prepare_demo_database(directory, with_token=True)
        route, is_orgs = choose_route(app)
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        try:
            results = serve_and_measure(directory, route, is_orgs, headers, tool, seconds, args)
        finally:
            from core.db import engine_of

            engine_of(app).dispose()
    report(results, route, tool, seconds, args)


def serve_and_measure(directory, route, is_orgs, headers, tool, seconds, args):
    """Start both servers, check them, measure; the servers are stopped whatever happens."""
    config = app_config(directory)
    env = {"BENCH_APP_CONFIG": json.dumps(config), "BENCH_DATABASE_URL": config["DATABASE_URL"]}
    ours = Gunicorn("http_read:ours_app()", env, log_dir=directory)
    floor = Gunicorn("http_read:floor_app()", env, log_dir=directory)
    try:
        ours.start(ready_path=route)
        floor.start(ready_path=FLOOR_URL)
        verify(ours, route, is_orgs, headers, floor)
        targets = {"floor": (floor, floor.base_url + FLOOR_URL, {}), "ours": (ours, ours.base_url + route, headers)}
        return run_rounds(targets, tool, seconds, args)
    except BenchFailure:
        for server in (ours, floor):
            print(f"--- {server.app_spec} log ---\n{server.log()}", file=sys.stderr)
        raise
    finally:
        ours.stop()
        floor.stop()


def run_rounds(targets, tool, seconds, args):
    for server, url, headers in targets.values():
        measure(tool, server, url, max(1, round(args.warmup)), headers, args)
    print(
        f"load: {tool}, {args.connections} connections, {seconds} s per run, "
        f"{args.rounds} rounds, gunicorn 2 sync workers on 127.0.0.1"
    )
    results = {name: [] for name in targets}
    for round_number in range(1, args.rounds + 1):
        for name, (server, url, headers) in targets.items():
            result = measure(tool, server, url, seconds, headers, args)
            results[name].append(result)
            print(
                f"  round {round_number} {name:<5} {result['rps']:8.0f} req/s  "
                f"p50 {result['p50_ms']:6.2f} ms  p95 {result['p95_ms']:6.2f} ms  p99 {result['p99_ms']:6.2f} ms  "
                f"server CPU {result['cpu_us']:5.0f} µs/request"
            )
    return results


def report(results, route, tool, seconds, args):
    figures = {
        name: {key: round(median([r[key] for r in runs]), 2) for key in ("rps", "p50_ms", "p99_ms", "cpu_us")}
        for name, runs in results.items()
    }
    for values in figures.values():
        values["rps"], values["cpu_us"] = round(values["rps"]), round(values["cpu_us"])
    floor, ours = figures["floor"], figures["ours"]
    ratio = ours["rps"] / floor["rps"]
    cpu_ratio = floor["cpu_us"] / ours["cpu_us"]  # the same ratio read from CPU cost per request
    # Each ours run next to the floor run just before it: steadier when the load drifts.
    paired = [o["rps"] / f["rps"] for o, f in zip(results["ours"], results["floor"])]
    for title, values in (
        (f"floor  bare Flask + SQLModel, GET {FLOOR_URL}", floor),
        (f"ours   Gridwork, bearer token + permission check, GET {route}", ours),
    ):
        print(
            f"{title}: {values['rps']:,} req/s (p50 {values['p50_ms']} ms, p99 {values['p99_ms']} ms, "
            f"server CPU {values['cpu_us']} µs/request)"
        )
    verdict = "meets" if ratio >= GOAL_RATIO else "BELOW"
    print(
        f"ratio ours/floor: {ratio:.2f}  (goal ≥ {GOAL_RATIO}: {verdict}); "
        f"per round: {', '.join(f'{r:.2f}' for r in paired)}; "
        f"from server CPU per request: {cpu_ratio:.2f}"
    )
    emit_json(
        "http_read",
        route=route,
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
    )


if __name__ == "__main__":
    try:
        main()
    except BenchFailure as failure:
        print(f"BENCH FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
