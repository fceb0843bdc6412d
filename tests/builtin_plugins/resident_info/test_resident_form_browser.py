"""Registering a resident on a phone (390×844, headless Chromium) through the form the core
draws from the schema: a mistake is explained in Chinese next to its field, with what was
typed kept; corrected, the resident is registered. Screenshots go to test-results/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from resident_helpers import make_id, register

from core.testing import sign_in_page

pytestmark = pytest.mark.slow
SHOTS = Path(__file__).parents[3] / "test-results"


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    yield context.new_page()
    context.close()


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_registering_on_a_phone_shows_the_chinese_error_next_to_the_field(phone, live_server, make_user, enabled):
    SHOTS.mkdir(exist_ok=True)
    sign_in_page(phone, live_server, make_user("community_admin", "c1/s1/m1").username)
    phone.goto(f"{live_server.url}/resident_info/residents/new")
    expect(phone.get_by_label("联系电话")).to_have_attribute("inputmode", "tel")
    phone.get_by_label("姓名").fill("孙丽")
    phone.get_by_label("身份证号").fill("11010519900307123")  # one digit short
    phone.get_by_label("所属网格").select_option(label="东湖街道 › 幸福社区 › 幸福一网格")
    phone.get_by_role("button", name="登记").click()

    error = phone.locator("#f-id_number-error")
    expect(error).to_have_text("身份证号应为 18 位，当前为 17 位。")
    expect(phone.get_by_label("身份证号")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator(".form-summary")).to_contain_text("有 1 处需要修改")
    expect(phone.get_by_label("姓名")).to_have_value("孙丽")  # nothing typed is lost
    expect(phone.get_by_label("所属网格")).to_have_value("c1/s1/m1/g1")
    assert _no_sideways_scroll(phone)
    phone.screenshot(path=str(SHOTS / "resident-form-error-390.png"), full_page=True)

    phone.get_by_label("身份证号").fill(make_id("19580612", "128"))
    phone.get_by_role("button", name="登记").click()
    expect(phone.get_by_text("居民已登记")).to_be_visible()
    assert "孙丽" in phone.content()


def test_the_registration_form_on_a_desktop(page, live_server, make_user, enabled):
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_page(page, live_server, make_user("community_admin", "c1/s1/m1").username)
    page.goto(f"{live_server.url}/resident_info/residents/new")
    expect(page.get_by_role("group", name="人口类型")).to_be_visible()
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "resident-form-1280.png"), full_page=True)


def test_the_edit_form_on_a_phone_keeps_the_id_masked(phone, live_server, make_user, enabled, client, login_as):
    login_as("community_admin", "c1/s1/m1")
    created = register(client, name="王秀英")
    sign_in_page(phone, live_server, make_user("community_admin", "c1/s1/m1").username)
    phone.goto(f"{live_server.url}/resident_info/residents/{created['id']}/edit")
    id_input = phone.get_by_label("身份证号")
    expect(id_input).to_have_value("")
    expect(id_input).to_have_attribute("placeholder", re.compile(r"^\*+"))
    expect(phone.get_by_label("姓名")).to_have_value("王秀英")
    assert make_id() not in phone.content() and "13812345678" not in phone.content()
    assert _no_sideways_scroll(phone)
    phone.screenshot(path=str(SHOTS / "resident-edit-390.png"), full_page=True)
