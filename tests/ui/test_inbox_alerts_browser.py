"""Alerts and the inbox in a real headless Chromium: a street admin issues a heat alert on a
phone-sized screen, the grid worker's workbench shows it, and the worker settles a notice in
one tap from the workbench — without the page ever scrolling sideways."""

import pytest
from playwright.sync_api import expect

from core.db import session_scope
from core.inbox.notices import notify
from core.testing import sign_in_page

pytestmark = pytest.mark.slow
PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page scrolls sideways on a phone ({width}px)"


def test_an_alert_issued_on_a_phone_reaches_the_workbench_below(browser, live_server, make_user, org_tree):
    admin = browser.new_context(viewport=PHONE).new_page()
    sign_in_page(admin, live_server, make_user("street_admin", "c1/s1").username)
    admin.goto(f"{live_server.url}/alerts")
    no_sideways_scroll(admin)
    admin.get_by_label("高温").check()
    admin.get_by_label("预警区域（含下辖全部社区、网格）").select_option(label="东湖街道")
    admin.get_by_label("预警内容").fill("明日最高气温 39℃，请电话问候独居老人")
    admin.get_by_role("button", name="发布预警").click()
    expect(admin.get_by_text("已发布高温预警。")).to_be_visible()
    expect(admin.get_by_role("button", name="解除预警")).to_be_visible()

    worker = browser.new_context(viewport=PHONE).new_page()
    sign_in_page(worker, live_server, make_user("grid_feedback_worker", "c1/s1/m1/g1").username)
    banner = worker.get_by_role("alert")
    expect(banner).to_contain_text("高温预警")
    expect(banner).to_contain_text("请电话问候独居老人")
    no_sideways_scroll(worker)


def test_a_worker_opens_and_settles_a_notice_from_the_workbench(app, browser, live_server, make_user, org_tree):
    user = make_user("grid_feedback_worker", "c1/s1/m1/g1")
    with app.app_context(), session_scope(app) as db:
        notify(db, plugin="core", title="请回访王大爷", org_path="c1/s1/m1/g1", to_user=user.id, link="/inbox")
    page = browser.new_context(viewport=PHONE).new_page()
    sign_in_page(page, live_server, user.username)
    expect(page.locator(".inbox-link .badge")).to_have_text("1")
    page.get_by_role("link", name="请回访王大爷").click()  # opening marks it read
    expect(page.locator(".inbox-link .badge")).to_have_count(0)
    page.get_by_role("button", name="标为已办").click()
    expect(page.get_by_text("已标为已办：请回访王大爷")).to_be_visible()
    expect(page.get_by_text("没有待办事项。")).to_be_visible()
    no_sideways_scroll(page)
