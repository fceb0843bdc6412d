"""Saving a scenario: ``PUT /api/v1/scenarios/<id>`` of a 20-block, 10-trigger scenario (every
rule checked again on the server, a new version row and 20 block rows, audited) against a
bare insert of the same JSON (the floor: the same version row and 20 block rows written with
two plain INSERTs in one transaction, nothing checked).

Blocks: resident_info's registration form (emits resident_tagged) and special_visits' roster
(accepts visit_soon), ten of each; trigger n joins form n to roster n ("tagged 独居老人 →
安排尽快走访"). Both in this process on one demo SQLite file, the API through Flask's test
client with the community admin's bearer token; rounds alternate floor/ours; medians of
milliseconds per save. Goals: ours ≤ 100 ms and floor/ours ≥ 0.3.

    .venv/bin/python bench/scenario_save.py     # options: --saves 50 --rounds 5
"""

import argparse
import tempfile

from _common import BenchFailure, emit_json, machine_line
from _scenarios import COMMUNITY, alternate, block, demo_app, document
from sqlalchemy import insert

from core.db import engine_of
from core.timeutil import utcnow
from scenario_builder.models import ScenarioBlock, ScenarioVersion

GOAL_MS, GOAL_RATIO = 100, 0.3


def big_document():
    blocks = [block("resident_info", "registration_form") for _ in range(10)]
    blocks += [block("special_visits", "my_roster") for _ in range(10)]
    trigger = {
        "when": {"event": "resident_tagged"},
        "if": {"field": "tag", "op": "equals", "value": "独居老人"},
        "then": {"action": "visit_soon", "mapping": {"resident_id": "resident_id"}},
    }
    triggers = [
        {**trigger, "when": {**trigger["when"], "block": n}, "then": {**trigger["then"], "block": 10 + n}}
        for n in range(10)
    ]
    return document(blocks, triggers)


def ours_runner(app, headers):
    client, doc = app.test_client(), big_document()
    created = client.post("/api/v1/scenarios", json={"org_path": COMMUNITY, "document": doc}, headers=headers)
    if created.status_code != 201:
        raise BenchFailure(f"creating the scenario answered {created.status_code}: {created.get_json()}")
    scenario_id, state = created.get_json()["id"], {"based_on": 1}

    def save():
        body = {"based_on": state["based_on"], "document": doc}
        response = client.put(f"/api/v1/scenarios/{scenario_id}", json=body, headers=headers)
        if response.status_code != 200:
            raise BenchFailure(f"saving answered {response.status_code}: {response.get_json()}")
        state["based_on"] += 1

    return save, scenario_id


def floor_runner(app, scenario_id):
    engine, doc, number = engine_of(app), big_document(), [10_000]
    content = {key: doc[key] for key in ("title", "triggers", "published_to", "packages")}
    content.update(description="", icon="")

    def save():
        number[0] += 1
        with engine.begin() as conn:
            version_id = conn.execute(
                insert(ScenarioVersion.__table__).values(
                    scenario_id=scenario_id,
                    org_path=COMMUNITY,
                    number=number[0],
                    content=content,
                    note="",
                    saved_by="bench",
                    saved_at=utcnow(),
                )
            ).inserted_primary_key[0]
            conn.execute(
                insert(ScenarioBlock.__table__),
                [
                    {"version_id": version_id, "org_path": COMMUNITY, "position": position, "settings_version": 1, **b}
                    for position, b in enumerate(doc["blocks"])
                ],
            )

    return save


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(machine_line())
    with tempfile.TemporaryDirectory() as directory:
        app, headers = demo_app(directory)
        ours, scenario_id = ours_runner(app, headers)
        floor = floor_runner(app, scenario_id)
        floor_ms, ours_ms = alternate(floor, ours, args.saves, args.rounds, warmup=5)
    ratio = floor_ms / ours_ms
    print(f"floor (bare insert of the same rows): {floor_ms:.2f} ms per save")
    print(f"ours  (PUT /api/v1/scenarios/<id>):   {ours_ms:.2f} ms per save  (goal ≤ {GOAL_MS} ms)")
    print(f"floor/ours = {ratio:.3f}  (goal ≥ {GOAL_RATIO})")
    emit_json("scenario_save", floor_ms=round(floor_ms, 3), ours_ms=round(ours_ms, 3), ratio=round(ratio, 3))


if __name__ == "__main__":
    try:
        main()
    except BenchFailure as failure:
        raise SystemExit(f"BENCH FAILED: {failure}") from failure
