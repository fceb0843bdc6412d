"""The workbench: ``GET /scenarios/<id>`` of a published 10-block scenario as the demo grid
worker (the scenario found among those reaching them, each block rendered through the core's
permission check and error boundary, the page around them) against the sum of the same ten
blocks rendered alone (the floor: each through the same wrapper, inside one request context of
the same user, nothing else).

Blocks: resident_info's list and registration form, special_visits' roster, visit form,
coverage board and alert panel, waste_sorting's inspection form, open rectifications, points
wall and trend chart, on the demo database. Rounds alternate floor/page; medians of
milliseconds per render. Goal: floor/page ≥ 0.8.

    .venv/bin/python bench/workbench_render.py  # options: --renders 30 --rounds 5
"""

import argparse
import tempfile

from _common import BenchFailure, emit_json, machine_line
from _scenarios import COMMUNITY, bearer, block, demo_app, document, interleaved

from core.auth.actor import current_actor
from core.public import render_block
from core.state import state_of

GOAL = 0.8
WORKER, GRID = "grid_worker", f"{COMMUNITY}/g01"
FLOOR_ROUTE = "/bench/blocks-alone"
BLOCKS = [
    ("resident_info", "resident_list"),
    ("resident_info", "registration_form"),
    ("special_visits", "my_roster"),
    ("special_visits", "visit_form"),
    ("special_visits", "coverage_board"),
    ("special_visits", "alert_panel"),
    ("waste_sorting", "inspection_form"),
    ("waste_sorting", "open_rectifications"),
    ("waste_sorting", "points_wall"),
    ("waste_sorting", "trend_chart"),
]


def published_scenario(app, admin):
    client = app.test_client()
    doc = document([block(plugin, name) for plugin, name in BLOCKS])
    created = client.post("/api/v1/scenarios", json={"org_path": COMMUNITY, "document": doc}, headers=admin)
    if created.status_code != 201:
        raise BenchFailure(f"creating the scenario answered {created.status_code}: {created.get_json()}")
    scenario_id = created.get_json()["id"]
    if client.post(f"/api/v1/scenarios/{scenario_id}/publish", json={}, headers=admin).status_code != 200:
        raise BenchFailure("publishing the scenario failed")
    return scenario_id


def page_runner(app, scenario_id, headers):
    client = app.test_client()

    def render():
        response = client.get(f"/scenarios/{scenario_id}", headers=headers)
        html = response.get_data(as_text=True)
        if (
            response.status_code != 200
            or "该功能块暂不可用" in html
            or html.count('class="card scenario-block"') != len(BLOCKS)
        ):
            raise BenchFailure(f"the workbench page answered {response.status_code} or lost a block")

    return render


def add_floor_route(app):
    """``GET /bench/blocks-alone``: the same ten blocks, each rendered alone through the same
    wrapper as on the page (``core.public.render_block``: permission, error boundary,
    lifecycle), joined, without the page. Requested through the same test client as the page,
    so the two figures differ by exactly the page's own share. Added before the app's first
    request, as Flask requires."""
    blocks = [state_of(app).blocks[kind][0] for kind in BLOCKS]

    def blocks_alone():
        context = {"actor": current_actor._get_current_object(), "org_path": GRID}
        return "".join(f'<div class="card scenario-block">{render_block(b, {}, context)}</div>' for b in blocks)

    app.add_url_rule(FLOOR_ROUTE, "bench_blocks_alone", blocks_alone)


def floor_runner(app, headers):
    client = app.test_client()

    def render():
        response = client.get(FLOOR_ROUTE, headers=headers)
        html = response.get_data(as_text=True)
        if response.status_code != 200 or "该功能块暂不可用" in html or html.count("scenario-block") != len(BLOCKS):
            raise BenchFailure(f"the blocks rendered alone answered {response.status_code} or lost a block")

    return render


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(machine_line())
    with tempfile.TemporaryDirectory() as directory:
        app, admin = demo_app(directory)
        add_floor_route(app)
        scenario_id, worker = published_scenario(app, admin), bearer(app, WORKER)
        page, floor = page_runner(app, scenario_id, worker), floor_runner(app, worker)
        floor_ms, page_ms = interleaved(floor, page, args.renders, args.rounds)
    ratio = floor_ms / page_ms
    print(f"floor (the 10 blocks rendered alone): {floor_ms:.2f} ms")
    print(f"ours  (GET /scenarios/<id>):          {page_ms:.2f} ms")
    print(f"floor/page = {ratio:.3f}  (goal ≥ {GOAL})")
    emit_json("workbench_render", floor_ms=round(floor_ms, 3), page_ms=round(page_ms, 3), ratio=round(ratio, 3))


if __name__ == "__main__":
    try:
        main()
    except BenchFailure as failure:
        raise SystemExit(f"BENCH FAILED: {failure}") from failure
