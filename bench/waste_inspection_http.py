"""Recording a waste-sorting inspection over HTTP against a bare Flask + SQLModel insert of
the same rows.

Ours: ``POST /api/v1/waste_sorting/inspections`` on the real ``create_app`` app (demo county,
waste_sorting on at ``c01``, a 10-item county checklist), authenticated with an API token of
the demo ``community_admin``: token lookup, ``@require(waste_sorting.inspect)``, the JSON
Schema check, the point's scope check, the client-key lookup, scoring, the inspection and its
10 item rows, the audit entry on the hash chain, the ``inspection_recorded`` event in the
outbox, the rectification rules — one failed item, photo-less (the inspection still passes).
Floor: a bare Flask app defined here with one SQLModel session per request, inserting the
same inspection row and 10 item rows into the same SQLite file from the same JSON, answering
201 with the id. Both through Flask's test client in this process (no sockets: the ratio is
the stack's cost), alternating rounds of ``--requests``; medians reported. Goal ≥ 0.4.

    .venv/bin/python bench/waste_inspection_http.py   # options: --requests 300 --rounds 5
"""

import argparse
import sys
import tempfile
import time
import uuid
from datetime import timedelta

from _common import BenchFailure, emit_json, machine_line, median, prepare_demo_database
from flask import Flask, request
from sqlmodel import Session

from core.db import engine_of, session_scope
from core.plugin_system.enablement import set_state
from core.plugin_system.migrations import upgrade_all
from core.public import clock, utcnow
from core.state import state_of
from plugins.waste_sorting.models import Checklist, CollectionPoint, Inspection, InspectionItem

GOAL = 0.4
ITEMS = [{"key": f"item{n}", "title": f"检查项 {n}", "weight": 10, "critical": n == 0} for n in range(10)]


def prepare(directory):
    app, _user_id, token = prepare_demo_database(directory, with_token=True)
    with app.app_context():
        upgrade_all(app)  # the plugins' branches: prepare_demo_database migrates the core's
    with app.app_context(), session_scope(app) as db:
        set_state(db, state_of(app).host, "waste_sorting", "c01", "enabled", actor="bench")
        db.add(Checklist(org_path="c01", version=1, items=ITEMS, created_by="bench"))
        point = CollectionPoint(org_path="c01/s01/m01/g01", name="基准投放点", bin_types=["kitchen"])
        db.add(point)
        db.flush()
        point_id = point.id
    return app, token, point_id


def floor_app(engine):
    """The same rows, inserted with nothing around them."""
    bare = Flask("floor")

    @bare.post("/inspections")
    def record():
        body = request.get_json()
        now = utcnow()
        day = clock.local(now).date()
        with Session(engine) as session:
            inspection = Inspection(
                org_path="c01/s01/m01/g01",
                point_id=body["point_id"],
                checklist_id=1,
                score=90,
                passed=True,
                inspector="bench",
                inspected_at=now,
                local_day=day,
                week_start=day - timedelta(days=day.weekday()),
                client_key=body["client_key"],
            )
            session.add(inspection)
            session.flush()
            session.add_all(
                [
                    InspectionItem(
                        inspection_id=inspection.id,
                        item_key=i["key"],
                        title=i["title"],
                        weight=i["weight"],
                        critical=i["critical"],
                        passed=i["key"] not in body["failed"],
                    )
                    for i in ITEMS
                ]
            )
            session.commit()
            return {"id": inspection.id}, 201

    return bare.test_client()


def run(client, point_id, requests, headers=None, url="/inspections"):
    started = time.perf_counter()
    for _ in range(requests):
        body = {"point_id": point_id, "failed": ["item3"], "client_key": uuid.uuid4().hex}
        answer = client.post(url, json=body, headers=headers or {})
        if answer.status_code != 201:
            raise BenchFailure(f"{url} answered {answer.status_code}: {answer.get_data(as_text=True)[:300]}")
    return requests / (time.perf_counter() - started)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    print(machine_line())
    with tempfile.TemporaryDirectory() as directory:
        app, token, point_id = prepare(directory)
        ours_client, floor_client = app.test_client(), floor_app(engine_of(app))
        headers, url = {"Authorization": f"Bearer {token}"}, "/api/v1/waste_sorting/inspections"
        answer = ours_client.post(url, json={"point_id": point_id, "failed": ["item3"]}, headers=headers)
        if answer.status_code != 201 or answer.get_json()["score"] != 90 or not answer.get_json()["passed"]:
            raise BenchFailure(f"ours answered {answer.status_code}: {answer.get_data(as_text=True)[:300]}")
        print("verified: ours scores the inspection 90 and records it (201)")
        run(floor_client, point_id, 20), run(ours_client, point_id, 20, headers, url)  # warm-up
        results = {"floor": [], "ours": []}
        for _ in range(args.rounds):
            results["floor"].append(run(floor_client, point_id, args.requests))
            results["ours"].append(run(ours_client, point_id, args.requests, headers, url))
    ours, floor = median(results["ours"]), median(results["floor"])
    ratio = ours / floor
    print(f"floor  bare Flask + SQLModel, the same 11 rows     {floor:,.0f} inspections/s")
    print(f"ours   POST /api/v1/waste_sorting/inspections      {ours:,.0f} inspections/s")
    print(f"ratio ours/floor: {ratio:.2f} (goal ≥ {GOAL}: {'meets' if ratio >= GOAL else 'BELOW'})")
    emit_json(
        "waste_inspection_http",
        requests=args.requests,
        rounds=args.rounds,
        ours_per_s=round(ours, 1),
        floor_per_s=round(floor, 1),
        ratio=round(ratio, 3),
        goal_ratio=GOAL,
    )


if __name__ == "__main__":
    try:
        main()
    except BenchFailure as failure:
        print(f"BENCH FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
