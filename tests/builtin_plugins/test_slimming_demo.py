"""The slimming list's "Done when" on the demo (``gridwork demo``): the county admin opens the
slimming list and finds a module flagged with a reason in words and an improvement suggestion,
cuts it for the county; the community admin's published scenario placing its block shows the block
as frozen; the module is retired with an export on file; restoring it brings back every record."""

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from core.db import session_scope
from core.lifecycle.dump import full_dump
from core.lifecycle.export import exports_folder
from core.state import state_of
from core.testing import rows, run_due_jobs, sign_in_page, signed_in_client
from core.testing.client import TEST_PASSWORD

API = "/api/v1/modules"
COMMUNITY = "c01/s01/m01"  # the demo's community admin 张敏
SCENARIO = {
    "title": "垃圾分类督导",
    "blocks": [{"plugin": "waste_sorting", "block": "open_rectifications", "settings": {"limit": 5}}],
    "published_to": [{"org_path": COMMUNITY, "subtree": True}],
    "packages": ["grid_feedback_worker"],
}


def demo(app):
    from core.demo import prepare_demo

    with app.app_context():
        prepare_demo(app, TEST_PASSWORD)


def waste_records(app):
    """Every record waste_sorting holds (its declared tables and its attachments)."""
    with app.app_context(), session_scope(app) as db:
        names = [t["name"] for t in state_of(app).host.get("waste_sorting").manifest.data["tables"]]
        dump = full_dump(db, [*names, "core_attachment"])
    dump["core_attachment"] = [row for row in dump["core_attachment"] if row["plugin"] == "waste_sorting"]
    return dump


def publish_scenario(community):
    created = community.post("/api/v1/scenarios", json={"org_path": COMMUNITY, "document": SCENARIO})
    assert created.status_code == 201, created.get_json()
    scenario_id = created.get_json()["id"]
    assert community.post(f"/api/v1/scenarios/{scenario_id}/publish", json={}).status_code == 200
    return scenario_id


def test_done_when(app, clock):
    demo(app)
    before = waste_records(app)
    assert before["waste_sorting_point"] and before["waste_sorting_inspection"], "the demo seeded no waste sorting"
    community = signed_in_client(app, "community_admin")
    scenario_id = publish_scenario(community)

    county = signed_in_client(app, "county_admin")
    page = county.get("/usage/slimming").get_data(as_text=True)
    assert "垃圾分类" in page and "为全县下线" in page
    waste = next(m for m in county.get(f"{API}/slimming").get_json()["modules"] if m["plugin"] == "waste_sorting")
    assert waste["advice"] in ("improve", "retire") and "无人维护（差评逾期未回复）" in waste["reasons"]
    assert "在 4 个社区启用，1 个在用" in waste["reason_text"] and waste["rating"] < 3
    assert any("“纬度（可不填）”" in note and "可考虑删去" in note for note in waste["suggestions"])
    assert waste["placements"] == 1 and waste["placed_in"] == ["垃圾分类督导"]

    freeze_on, retire_on = clock.today() + timedelta(days=1), clock.today() + timedelta(days=2)
    cut = county.post(
        f"{API}/waste_sorting/lifecycle/c01/cut", json={"freeze_on": str(freeze_on), "retire_on": str(retire_on)}
    )
    assert cut.status_code == 200 and cut.get_json()["state"] == "flagged", cut.get_json()
    clock.set(datetime.combine(freeze_on, datetime.min.time(), tzinfo=clock.zone) + timedelta(minutes=1))
    run_due_jobs(app)
    shown = signed_in_client(app, "community_admin").get(f"/scenarios/{scenario_id}").get_data(as_text=True)
    assert 'data-state="frozen"' in shown and "已冻结（只读）" in shown

    clock.set(datetime.combine(retire_on, datetime.min.time(), tzinfo=clock.zone) + timedelta(minutes=1))
    run_due_jobs(app)
    county = signed_in_client(app, "county_admin")
    assert county.get(f"{API}/waste_sorting/lifecycle/c01").get_json()["state"] == "retired"
    exports = "SELECT json_file, counts FROM core_lifecycle_export WHERE plugin = 'waste_sorting'"
    ((json_file, counts),) = rows(app, exports)
    assert (exports_folder(app) / json_file).is_file() and "waste_sorting_point" in str(counts)

    assert county.post(f"{API}/waste_sorting/lifecycle/c01/restore", json={}).get_json()["state"] == "active"
    assert waste_records(app) == before


@pytest.mark.slow
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}])
def test_done_when_in_the_browser(app, clock, live_server, browser, viewport):
    demo(app)
    scenario_id = publish_scenario(signed_in_client(app, "community_admin"))
    page = browser.new_context(viewport=viewport, timezone_id="UTC").new_page()
    sign_in_page(page, live_server, "county_admin")
    page.goto(f"{live_server.url}/usage/slimming")
    row = page.locator(".slimming-table tr", has_text="垃圾分类")
    expect(row).to_contain_text("在 4 个社区启用，1 个在用")
    expect(row).to_contain_text("“纬度（可不填）”")
    expect(row).to_contain_text("场景 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=f"/tmp/lc2-slimming-{viewport['width']}.png", full_page=True)
    cut_link = row.get_by_role("link", name="为全县下线")
    assert cut_link.bounding_box()["height"] >= 44
    cut_link.click()
    form = page.locator("#county-cut")
    form.get_by_label("冻结日期").fill(str(clock.today() + timedelta(days=1)))
    form.get_by_label("下线日期").fill(str(clock.today() + timedelta(days=2)))
    form.get_by_role("button", name="为全县下线").click()
    expect(page.locator("#lifecycle-state")).to_contain_text("即将下线")
    page.screenshot(path=f"/tmp/lc2-cut-{viewport['width']}.png", full_page=True)

    county = signed_in_client(app, "county_admin")
    assert county.post(f"{API}/waste_sorting/lifecycle/c01/freeze", json={}).status_code == 200
    community = browser.new_context(viewport=viewport, timezone_id="UTC").new_page()
    sign_in_page(community, live_server, "community_admin")
    community.goto(f"{live_server.url}/scenarios/{scenario_id}")
    expect(community.locator('[data-state="frozen"]')).to_contain_text("已冻结（只读）")
    assert community.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    community.screenshot(path=f"/tmp/lc2-scenario-{viewport['width']}.png", full_page=True)
