"""A grid worker records a visit on a phone (390×844, headless Chromium): the roster, the
pre-filled record page, two taps and save — no sideways scroll, nothing typed. Screenshots of
the roster, the record page and the coverage board at phone and desktop size go to
test-results/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from visits_helpers import GRID, drain, register

from core.state import state_of
from core.testing import sign_in_page, signed_in_client

pytestmark = pytest.mark.slow
SHOTS = Path(__file__).parents[3] / "test-results"


@pytest.fixture
def on_for_county(app, org_tree):
    from visits_helpers import enable_visits

    from core.db import session_scope
    from core.plugin_system.enablement import set_state

    with app.app_context(), session_scope(app) as db:
        for plugin in ("resident_info", "special_visits"):
            set_state(db, state_of(app).host, plugin, "c1", "enabled", actor="test")
    enable_visits(app)
    return app


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    yield context.new_page()
    context.close()


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_grid_worker_records_a_visit_on_a_phone(phone, browser, live_server, make_user, on_for_county):
    SHOTS.mkdir(exist_ok=True)
    worker = make_user("grid_feedback_worker", GRID)
    admin = signed_in_client(on_for_county, make_user("community_admin", "c1/s1/m1"))
    register(admin, name="冯淑珍", age=86)
    drain(on_for_county)

    sign_in_page(phone, live_server, worker.username)
    phone.goto(f"{live_server.url}/special_visits/")
    assert _no_sideways_scroll(phone)
    phone.screenshot(path=str(SHOTS / "visits-roster-390.png"), full_page=True)
    phone.get_by_role("link", name="冯淑珍").click()
    expect(phone.get_by_role("heading", name="冯淑珍")).to_be_visible()
    expect(phone.get_by_text("138****5678")).to_be_visible()
    assert _no_sideways_scroll(phone)
    phone.get_by_label("电话").check()  # form of visit: one tap
    phone.locator('input[name="findings.needs"][value="attention"]').check()  # one finding: one tap
    phone.screenshot(path=str(SHOTS / "visits-record-390.png"), full_page=True)
    phone.get_by_role("button", name="保存走访记录").click()

    expect(phone.get_by_role("heading", name="走访记录：冯淑珍")).to_be_visible()
    expect(phone.get_by_text("需关注")).to_be_visible()
    assert _no_sideways_scroll(phone)

    desk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()
    sign_in_page(desk, live_server, make_user("community_admin", "c1/s1/m1").username)
    for path, name in (("/special_visits/?mine=0&view=all", "roster"), ("/special_visits/coverage", "coverage")):
        desk.goto(f"{live_server.url}{path}")
        desk.screenshot(path=str(SHOTS / f"visits-{name}-1280.png"), full_page=True)
    desk.goto(f"{live_server.url}/special_visits/?mine=0&view=all")
    desk.get_by_role("link", name="冯淑珍").click()
    desk.screenshot(path=str(SHOTS / "visits-record-1280.png"), full_page=True)
    phone.goto(f"{live_server.url}/special_visits/coverage")
    assert _no_sideways_scroll(phone)
    phone.screenshot(path=str(SHOTS / "visits-coverage-390.png"), full_page=True)
