"""The emergency trigger end to end: a street admin issues a heat-wave alert; through the
event bus the elderly living alone in that street get a visit due before its deadline, on
top of their worker's list with the alert's name; the coverage board's progress moves with
each visit; at the deadline the core's expiry job lifts it and the plugin ends it."""

import uuid
from datetime import date

from visits_helpers import GRID, drain, entry_id, register

from core.testing import run_due_jobs, signed_in_client

ROUTINE = {
    "form": "home",
    "findings.health": "normal",
    "findings.living": "normal",
    "findings.safety": "normal",
    "findings.needs": "normal",
}


def test_a_heat_wave_alert_puts_the_elderly_living_alone_on_top_until_it_is_lifted(visits, sign_in, make_user, clock):
    clock.set(date(2026, 7, 13))
    worker_user = make_user("grid_feedback_worker", GRID)
    make_user("grid_feedback_worker", "c1/s2/m2/g2")
    county = sign_in(visits, "county_admin", "c1")
    routine = register(county, name="常规低保", age=50, tags=("低保",))
    alone = [register(county, name=name, age=80) for name in ("吴老伯", "郑奶奶")]
    elsewhere = register(county, name="外街道", age=80, grid="c1/s2/m2/g2")
    drain(visits)

    street = sign_in(visits, "street_admin", "c1/s1")
    issued = street.post("/api/v1/alerts", json={"kind": "heat", "org_path": "c1/s1", "message": "连续三天 38℃ 以上"})
    assert issued.status_code == 201, issued.get_json()
    drain(visits)

    worker = signed_in_client(visits, worker_user)
    items = worker.get("/api/v1/special_visits/entries?mine=1&view=due").get_json()["items"]
    assert [item["name"] for item in items[:2]] == ["吴老伯", "郑奶奶"]
    assert all(item["alert"]["name"] == "高温预警：连续三天 38℃ 以上" for item in items[:2])
    assert routine["id"] not in [item["resident_id"] for item in items if item["alert"]]
    page = worker.get("/special_visits/").get_data(as_text=True)
    assert page.index("吴老伯") < page.index("高温预警") + 200
    other = sign_in(visits, "grid_feedback_worker", "c1/s2/m2/g2")
    assert all(
        item["alert"] is None for item in other.get("/api/v1/special_visits/entries?view=all").get_json()["items"]
    )

    board = street.get("/special_visits/coverage").get_data(as_text=True)
    assert "已走访 0 / 应走访 2 人" in board
    first = entry_id(visits, alone[0]["id"])
    assert (
        worker.post(f"/special_visits/entries/{first}", data={**ROUTINE, "client_key": str(uuid.uuid4())}).status_code
        == 303
    )
    assert "已走访 1 / 应走访 2 人" in street.get("/special_visits/coverage").get_data(as_text=True)
    items = worker.get("/api/v1/special_visits/entries?mine=1&view=due").get_json()["items"]
    assert items[0]["name"] == "郑奶奶" and items[0]["alert"]

    clock.advance(hours=25)  # past the 24-hour deadline: core.alert_expiry lifts it
    run_due_jobs(visits)
    drain(visits)
    worker, street = signed_in_client(visits, worker_user), sign_in(visits, "street_admin", "c1/s1")
    items = worker.get("/api/v1/special_visits/entries?mine=1&view=all").get_json()["items"]
    assert all(item["alert"] is None for item in items)
    assert "应走访 2 人" not in street.get("/special_visits/coverage").get_data(as_text=True)
    assert elsewhere["id"]
