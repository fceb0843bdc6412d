"""The pages people click through, in a real headless Chromium."""
import re

import pytest
from playwright.sync_api import expect

from core.testing import TEST_PASSWORD

pytestmark = pytest.mark.slow


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_sign_in_shows_only_the_menu_my_role_allows(page, live_server, make_user, org_tree):
    sign_in(page, live_server, make_user("grid_feedback_worker", "c1/s1/m1/g1").username)
    nav = page.locator("nav#nav")
    expect(nav.get_by_role("link", name="组织架构")).to_be_visible()
    expect(nav.get_by_role("link", name="账号管理")).to_have_count(0)
    expect(nav.get_by_role("link", name="角色包")).to_have_count(0)


def test_tokens_page_creates_and_revokes_a_token_through_fetch_with_csrf(page, live_server, make_user):
    sign_in(page, live_server, make_user("community_admin", "c1").username)
    page.goto(f"{live_server.url}/account/tokens")
    page.get_by_label("令牌名称").fill("对接系统")
    page.get_by_role("button", name="新建令牌").click()
    expect(page.locator("#token-created")).to_contain_text("gw_")
    row = page.locator("#token-list tbody tr", has_text="对接系统")
    expect(row).to_contain_text("有效")
    row.get_by_role("button", name="收回").click()
    expect(page.locator("#token-list tbody tr", has_text="对接系统")).to_contain_text("已收回")


def test_a_county_admin_composes_a_role_package_in_the_browser(page, live_server, make_user):
    sign_in(page, live_server, make_user("county_admin", "c1").username)
    page.goto(f"{live_server.url}/packages")
    form = page.locator("form", has=page.locator("input[name=name]")).first
    form.locator("input[name=name]").fill("heat_wave_team")
    form.locator("input[name=title_zh]").fill("高温关爱小组")
    form.locator("input[value='core.org_read']").check()
    form.locator("input[value='core.user_read']").check()
    form.locator("button[type=submit]").click()
    expect(page.get_by_text("高温关爱小组").first).to_be_visible()
    api = page.request.get(f"{live_server.url}/api/v1/role-packages/heat_wave_team").json()
    assert sorted(api["permissions"]) == ["core.org_read", "core.user_read"]


def test_the_shell_is_usable_on_a_phone(browser, live_server, make_user):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    sign_in(page, live_server, make_user("community_admin", "c1").username)
    menu = page.get_by_role("button", name=re.compile("菜单"))
    expect(menu).to_be_visible()
    expect(page.locator("nav#nav")).to_be_hidden()
    menu.click()
    expect(page.locator("nav#nav").get_by_role("link", name="账号管理")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways on a phone ({width}px)"
    context.close()


def test_english_is_available(page, live_server):
    page.goto(f"{live_server.url}/login?lang=en")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
