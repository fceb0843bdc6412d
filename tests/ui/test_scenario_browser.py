"""A grid worker opens a published scenario on a phone (390×844): the blocks in order, no
sideways scroll; screenshots of the phone and laptop views kept as artifacts."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.testing import sign_in_page, signed_in_client

pytestmark = pytest.mark.slow
ARTIFACTS = Path(os.environ.get("GRIDWORK_ARTIFACTS", "build/walk")) / "scenarios"
M1 = "c1/s1/m1"
PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}


@pytest.fixture
def served(scenes_server):
    app, server = scenes_server
    return app, server.url


def _publish(app, make_user):
    admin = signed_in_client(app, make_user("community_admin", M1))
    blocks = [
        {"plugin": "fx_scenes", "block": "notes", "settings": {"days": 3, "heading": "电话问候独居老人"}},
        {"plugin": "fx_scenes", "block": "broken", "settings": {}},
        {"plugin": "fx_scenes", "block": "notes", "settings": {"days": 7, "heading": "上门走访"}},
    ]
    doc = {
        "title": "高温关爱独居老人",
        "description": "高温期间每天问候。",
        "blocks": blocks,
        "published_to": [{"org_path": M1, "subtree": True}],
        "packages": ["grid_feedback_worker"],
    }
    scenario_id = admin.post("/api/v1/scenarios", json={"org_path": M1, "document": doc}).get_json()["id"]
    assert admin.post(f"/api/v1/scenarios/{scenario_id}/publish", json={}).status_code == 200
    return scenario_id


def test_a_grid_worker_opens_the_scenario_from_the_workbench_on_a_phone(browser, served, make_user):
    app, url = served
    _publish(app, make_user)
    user = make_user("grid_feedback_worker", f"{M1}/g1")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
        page = browser.new_context(viewport=viewport).new_page()
        sign_in_page(page, type("Server", (), {"url": url}), user.username)
        page.screenshot(path=str(ARTIFACTS / f"workbench-home-{name}.png"), full_page=True)
        page.get_by_role("link", name="高温关爱独居老人").click()
        headings = page.locator(".scenario-block h2")
        expect(headings).to_have_text(["记事", "坏块", "记事"])
        expect(page.locator(".scenario-block").nth(1)).to_contain_text("该功能块暂不可用")
        expect(page.locator(".scenario-block").nth(2)).to_contain_text("上门走访：7 天")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(ARTIFACTS / f"scenario-workbench-{name}.png"), full_page=True)


def test_an_admin_creates_a_draft_on_the_scenarios_page_on_a_phone(browser, served, make_user):
    _app, url = served
    user = make_user("community_admin", M1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_context(viewport=PHONE).new_page()
    sign_in_page(page, type("Server", (), {"url": url}), user.username)
    page.goto(f"{url}/scenarios/")
    page.get_by_label("标题").fill("楼道堆物清理")
    page.get_by_label("所属组织").first.select_option(label="幸福社区")
    page.get_by_role("button", name="新建").click()
    expect(page.get_by_role("status")).to_contain_text("预览：第 1 版")
    page.goto(f"{url}/scenarios/")
    expect(page.get_by_role("link", name="楼道堆物清理", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "scenarios-admin-phone.png"), full_page=True)
