"""In a real headless Chromium: the reveal asks for a reason and a reload logs nothing more;
the statistics page draws its charts (and keeps the tables); the audit page names the
resident whose data was viewed, on a phone and on a desktop, without sideways scrolling."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from resident_helpers import audit_of, make_id, register

from core.testing import sign_in_page

pytestmark = pytest.mark.slow

ID_NUMBER = make_id("19470203", "317")
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
CODES = re.compile(r"\b[a-z]\d+(/[a-z]\d+)+\b|\b(core|resident_info)\.[a-z_]+\b|grid_feedback_worker|data_supervisor")


@pytest.fixture
def resident(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    made = register(client, name="周桂芳", id_number=ID_NUMBER, tags=[{"tag": "独居老人"}])
    client.logout()
    return made


def shots_folder(tmp_path):
    folder = Path(os.environ.get("GRIDWORK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_reveal_needs_a_reason_and_a_reload_does_not_log_again(app, page, live_server, make_user, resident):
    sign_in_page(page, live_server, make_user("data_supervisor", "c1").username)
    page.goto(f"{live_server.url}/resident_info/residents/{resident['id']}")
    page.get_by_role("button", name="显示完整信息").click()  # no reason: the browser holds the form
    expect(page.get_by_label("查看理由")).to_have_js_property("validity.valid", False)
    assert audit_of(app, "resident_info.sensitive_viewed") == []
    page.get_by_label("查看理由").fill("走访前核对联系方式")
    page.get_by_role("button", name="显示完整信息").click()
    expect(page.get_by_text(ID_NUMBER)).to_be_visible()
    page.reload()
    expect(page.get_by_text(ID_NUMBER)).to_be_visible()
    [(_actor, _target, detail)] = audit_of(app, "resident_info.sensitive_viewed")
    assert detail["reason"] == "走访前核对联系方式"


def test_the_statistics_draw_charts_beside_their_tables(page, live_server, make_user, resident, tmp_path):
    sign_in_page(page, live_server, make_user("community_admin", "c1/s1/m1").username)
    page.goto(f"{live_server.url}/resident_info/stats")
    figure = page.locator("figure#residents-grids")
    expect(figure.locator(".chart-canvas svg")).to_have_count(1)
    expect(figure.locator("table")).to_contain_text("幸福一网格")
    expect(figure.get_by_role("link", name="下载数据 (CSV)")).to_be_visible()
    page.screenshot(path=shots_folder(tmp_path) / "resident-stats-desktop.png", full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_the_audit_page_names_whose_data_was_viewed(browser, live_server, make_user, resident, size, tmp_path):
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    sign_in_page(page, live_server, make_user("data_supervisor", "c1").username)
    page.goto(f"{live_server.url}/resident_info/residents/{resident['id']}")
    page.get_by_label("查看理由").fill("核对")
    page.get_by_role("button", name="显示完整信息").click()
    page.goto(f"{live_server.url}/audit?sensitive=1")
    entry = page.locator(".audit-entry").first
    expect(entry).to_contain_text("查看居民完整身份证号和电话")
    expect(entry).to_contain_text("周桂芳")
    expect(page.locator(".chart-canvas svg")).to_have_count(2)
    page.goto(f"{live_server.url}/audit")
    visible = page.locator("main").inner_text()
    assert not CODES.search(visible), CODES.search(visible).group(0)
    assert ID_NUMBER not in visible
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], f"the audit page scrolls sideways ({width}px)"
    page.screenshot(path=shots_folder(tmp_path) / f"audit-{size}.png", full_page=True)
    context.close()
