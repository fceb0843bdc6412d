"""The county cut on a phone (390×844): a county admin opens 居民信息采集's lifecycle page from the
plugins page, reads the impact preview, cuts it for the county with two dates; a community admin
then sees the notice with Beijing-time dates on the module's own page."""

import pytest
from playwright.sync_api import expect

from core.db import session_scope
from core.plugin_system.enablement import set_state
from core.state import state_of
from core.testing import sign_in_page

pytestmark = pytest.mark.slow
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def test_config(test_config):
    return {**test_config, "POLICY_CHECK_INTERVAL": 0}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, timezone_id="UTC")  # not the deployment's zone
    yield context.new_page()
    context.close()


def assert_no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_county_admin_cuts_a_module_for_the_county_on_a_phone(app, org_tree, make_user, live_server, phone, browser):
    with app.app_context(), session_scope(app) as db:
        set_state(db, state_of(app).host, "resident_info", "c1", "enabled", actor="test")
    sign_in_page(phone, live_server, make_user("county_admin", "c1").username)
    phone.goto(f"{live_server.url}/plugins?node=c1")
    phone.locator("li[data-plugin=resident_info]").get_by_role("link", name="下线管理").click()
    expect(phone.locator("#impact")).to_contain_text("涉及节点：9 个")
    phone.goto(phone.url + "?cut=1")
    cut = phone.locator("#county-cut")
    cut.get_by_label("冻结日期").fill("2026-12-20")
    cut.get_by_label("下线日期").fill("2027-01-10")
    assert cut.get_by_role("button", name="为全县下线").bounding_box()["height"] >= 44
    assert_no_sideways_scroll(phone)
    cut.get_by_role("button", name="为全县下线").click()
    expect(phone.locator("#lifecycle-state")).to_contain_text("即将下线")
    expect(phone.locator("#lifecycle-state")).to_contain_text("2026-12-20 00:00")

    community = browser.new_context(viewport=PHONE, timezone_id="UTC").new_page()
    sign_in_page(community, live_server, make_user("community_admin", "c1/s1/m1").username)
    community.goto(f"{live_server.url}/resident_info/")
    expect(community.locator(".module-notice")).to_contain_text("2026-12-20 00:00 起只读")
    expect(community.locator(".module-notice")).to_contain_text("2027-01-10 00:00 下线")
    assert_no_sideways_scroll(community)
