"""The issue's "Done when" on the demo itself: a street admin issues a heat-wave alert for
东湖街道; every elderly person living alone there is on top of their grid worker's list, due
within 24 h; the worker records one visit with two typed fields at most; the coverage board's
alert progress moves; an overdue visit reaches the community admin's inbox once the clock passes
the group's grace period."""

import uuid

from visits_helpers import drain

from core.testing import rows, run_due_jobs, signed_in_client
from core.testing.client import TEST_PASSWORD

ROUTINE = {
    "form": "home",
    "findings.health": "normal",
    "findings.living": "normal",
    "findings.safety": "normal",
    "findings.needs": "normal",
}


def demo(app):
    from core.demo import prepare_demo

    with app.app_context():
        prepare_demo(app, TEST_PASSWORD)


def test_done_when_on_the_demo(app, clock):
    demo(app)
    street = signed_in_client(app, "street_admin")
    (east_lake,) = rows(app, "SELECT path FROM core_org_node WHERE name = '东湖街道'")[0]
    issued = street.post("/api/v1/alerts", json={"kind": "heat", "org_path": east_lake, "message": "明日 39℃"})
    assert issued.status_code == 201, issued.get_json()
    drain(app)

    worker = signed_in_client(app, "grid_worker")
    items = worker.get("/api/v1/special_visits/entries?mine=1&view=due").get_json()["items"]
    alone = rows(
        app,
        "SELECT e.id FROM special_visits_entry e JOIN special_visits_group g ON g.id = e.group_id"
        " WHERE g.name LIKE '独居老人%' AND e.status = 'active' AND e.org_path LIKE :street"
        " AND e.assigned_to = 'grid_worker'",
        street=f"{east_lake}/%",
    )
    assert alone, "the demo has elderly living alone in 东湖街道 for the demo grid worker"
    on_top = items[: len(alone)]
    assert {item["id"] for item in on_top} == {entry.id for entry in alone}
    assert all(item["alert"] and "高温" in item["alert"]["name"] for item in on_top)

    board = street.get("/special_visits/coverage").get_data(as_text=True)
    assert "已走访 0 / 应走访" in board
    first = on_top[0]["id"]
    page = worker.get(f"/special_visits/entries/{first}").get_data(as_text=True)
    assert "登记走访" in page
    answer = worker.post(f"/special_visits/entries/{first}", data={**ROUTINE, "client_key": str(uuid.uuid4())})
    assert answer.status_code == 303
    assert "已走访 1 /" in street.get("/special_visits/coverage").get_data(as_text=True)

    clock.advance(days=30)  # every weekly visit is past its grace period now
    run_due_jobs(app)
    drain(app)
    admin = signed_in_client(app, "community_admin")
    titles = [item["title"] for item in admin.get("/api/v1/inbox?status=open").get_json()["items"]]
    assert any("逾期" in title for title in titles), titles
