"""The scenario pages this branch added, in headless Chromium at phone (390×844) and desktop
(1280×800) size: the template list with a greyed template and an offer from the county, and a
community copy's page with a failed trigger (重试) and the county's newer version. No
sideways scroll, buttons at least 44 px tall on the phone; screenshots go to test-results/."""

import importlib
from pathlib import Path

import pytest
from scenario_helpers import FIXTURES, M1, document, notes

from core.db import session_scope
from core.events import publish
from core.events.dispatch import Dispatcher
from core.testing import sign_in_page, signed_in_client

pytestmark = pytest.mark.slow
SHOTS = Path(__file__).parents[3] / "test-results"
TRIGGER = {
    "when": {"block": 0, "event": "noted"},
    "then": {"block": 1, "action": "remember", "mapping": {"text": "text"}},
}
SIZES = {"phone": (390, 844), "desk": (1280, 800)}


@pytest.fixture
def app(with_plugins, org_tree):
    plugins = ("resident_info", "special_visits", "scenario_builder", "fx_scenes=fx_scenes.hooks")
    return with_plugins(*plugins, search_path=FIXTURES, enabled_at=["c1"])


def copy_with_a_failure_and_news(app, county, community):
    source = county.post(
        "/api/v1/scenarios", json={"org_path": "c1", "document": document(notes(7), notes(5), triggers=[TRIGGER])}
    )
    source_id = source.get_json()["id"]
    county.post(f"/api/v1/scenarios/{source_id}/offer", json={})
    copy_id = community.post(f"/api/v1/scenarios/offered/{source_id}/adopt", json={"org_path": M1}).get_json()["id"]
    targets = {"published_to": [{"org_path": M1, "subtree": True}], "packages": ["grid_feedback_worker"]}
    mine = document(notes(3), notes(5), triggers=[TRIGGER], **targets)
    community.put(f"/api/v1/scenarios/{copy_id}", json={"based_on": 1, "document": mine})
    assert community.post(f"/api/v1/scenarios/{copy_id}/publish", json={}).status_code == 200
    importlib.import_module("fx_scenes.hooks").REFUSED.add("坏")
    with app.app_context(), session_scope(app) as db:
        publish(db, "fx_scenes.noted", {"text": "坏", "count": 1}, org_path=f"{M1}/g1", actor="tester")
    with app.app_context():
        Dispatcher(app).drain()
    county.put(
        f"/api/v1/scenarios/{source_id}",
        json={"based_on": 1, "document": document(notes(7), notes(9), triggers=[TRIGGER])},
    )
    county.post(f"/api/v1/scenarios/{source_id}/offer", json={})
    return copy_id


def check_layout(page, name):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name}: sideways scroll"
    if name.endswith("_phone"):  # taps of at least 44 px on a phone
        heights = page.evaluate(
            "[...document.querySelectorAll('main button')].map(b => b.getBoundingClientRect().height)"
        )
        assert heights and min(heights) >= 44, f"{name}: a button under 44px"
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_template_list_and_copy_page_fit_a_phone_and_a_desk(app, browser, live_server, make_user):
    SHOTS.mkdir(exist_ok=True)
    county = signed_in_client(app, make_user("county_admin", "c1"))
    admin = make_user("community_admin", M1)
    copy_id = copy_with_a_failure_and_news(app, county, signed_in_client(app, admin))
    for size, (width, height) in SIZES.items():
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        sign_in_page(page, live_server, admin.username)
        page.goto(f"{live_server.url}/scenarios/")
        assert page.get_by_role("button", name="使用此模板").count() == 3
        check_layout(page, f"scenario_templates_{size}")
        page.goto(f"{live_server.url}/scenarios/{copy_id}")
        assert page.get_by_text("执行失败的联动规则").count() == 1 and page.get_by_text("下发了第 2 版").count() == 1
        check_layout(page, f"scenario_copy_{size}")
        context.close()
