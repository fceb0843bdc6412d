"""The pages people click through, in a real headless Chromium."""

import re

import pytest
from playwright.sync_api import expect

from core.testing import TEST_PASSWORD, sign_in_page

pytestmark = pytest.mark.slow


def test_sign_in_shows_only_the_menu_my_role_allows(page, live_server, make_user, org_tree):
    sign_in_page(page, live_server, make_user("grid_feedback_worker", "c1/s1/m1/g1").username)
    nav = page.locator("nav#nav")
    expect(nav.get_by_role("link", name="组织架构")).to_be_visible()
    expect(nav.get_by_role("link", name="账号管理")).to_have_count(0)
    expect(nav.get_by_role("link", name="角色包")).to_have_count(0)


def test_tokens_page_creates_and_revokes_a_token_through_fetch_with_csrf(page, live_server, make_user):
    sign_in_page(page, live_server, make_user("community_admin", "c1").username)
    page.goto(f"{live_server.url}/account/tokens")
    page.get_by_label("令牌名称").fill("对接系统")
    page.get_by_role("button", name="新建令牌").click()
    expect(page.locator("#token-created")).to_contain_text("gw_")
    row = page.locator("#token-list tbody tr", has_text="对接系统")
    expect(row).to_contain_text("有效")
    row.get_by_role("button", name="收回").click()
    expect(page.locator("#token-list tbody tr", has_text="对接系统")).to_contain_text("已收回")


def test_a_county_admin_composes_a_role_package_in_the_browser(page, live_server, make_user, org_tree):
    sign_in_page(page, live_server, make_user("county_admin", "c1").username)
    page.goto(f"{live_server.url}/packages")
    form = page.locator("form", has=page.locator("input[name=title_zh]")).first
    # The admin types only the title; the identifier (folded away) is made from it.
    form.locator("input[name=title_zh]").fill("高温关爱小组")
    expect(form.locator("input[name=name]")).to_be_hidden()
    form.locator("input[value='core.org_read']").check()
    form.locator("input[value='core.user_read']").check()
    form.locator("button[type=submit]").click()
    expect(page.get_by_text("高温关爱小组").first).to_be_visible()
    api = page.request.get(f"{live_server.url}/api/v1/role-packages/gao_wen_guan_ai_xiao_zu").json()
    assert sorted(api["permissions"]) == ["core.org_read", "core.user_read"]


def test_the_shell_is_usable_on_a_phone(browser, live_server, make_user):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    sign_in_page(page, live_server, make_user("community_admin", "c1").username)
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


FIXTURES = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "core" / "plugin_fixtures")


@pytest.fixture
def plugin_server(with_plugins, org_tree):
    """A live server of an app with the fx_pages plugin loaded (not yet enabled anywhere)."""
    import threading

    from werkzeug.serving import make_server

    app = with_plugins("fx_pages=fx_pages.hooks", search_path=FIXTURES)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server, app
    server.shutdown()


def test_a_community_admin_switches_a_plugin_on_for_their_community(page, plugin_server):
    from core.auth.models import User
    from core.auth.passwords import hash_password
    from core.db import session_scope
    from core.permissions.store import grant_package

    server, app = plugin_server
    with app.app_context(), session_scope(app) as db:
        user = User(
            username="m1_admin",
            display_name="社区管理员",
            org_path="c1/s1/m1",
            password_hash=hash_password(TEST_PASSWORD),
        )
        db.add(user)
        db.flush()
        grant_package(db, user.id, "community_admin", "c1/s1/m1")
    sign_in_page(page, server, "m1_admin")
    page.goto(f"{server.url}/plugins")
    row = page.locator("#plugin-list li[data-plugin=fx_pages]")
    expect(row.locator(".state")).to_have_text("未启用")
    row.get_by_role("button", name="启用").click()
    expect(page.locator(".flash")).to_contain_text("未启用 → 已启用")
    expect(page.locator("#plugin-list li[data-plugin=fx_pages] .state")).to_have_text("已启用")
    expect(page.locator("nav#nav").get_by_role("link", name="测试页面")).to_be_visible()
    expect(row.get_by_role("button", name="禁止")).to_have_count(0)  # forbidding is the county's call


@pytest.fixture
def dead_letter_app(app):
    """The app with one event whose only handler always fails: after one attempt it is dead."""
    from core.db import session_scope
    from core.events import EventHandler, EventType, publish, register_event_type, register_handler
    from core.events.dispatch import Dispatcher

    app.config.update(EVENTS_MAX_ATTEMPTS=1, EVENTS_BACKOFF_BASE=0.01)
    register_event_type(app, EventType("core.visit_noted", {"type": "object"}, "core"))

    def always_fails(event, session):
        raise RuntimeError("上游系统不可用")

    register_handler(app, EventHandler("core.visit_noted", "core.forward_visit", always_fails, "core"))
    with app.app_context():
        with session_scope(app) as db:
            publish(db, "core.visit_noted", {}, org_path="c1/s1/m1", actor="tester")
        Dispatcher(app).drain()
    return app


def test_an_operator_replays_a_dead_letter_from_the_events_page(
    page, live_server, make_user, dead_letter_app, org_tree
):
    from sqlalchemy import text

    from core.db import engine_of

    sign_in_page(page, live_server, make_user("county_admin", "c1").username)
    page.goto(f"{live_server.url}/events")
    dead_row = page.locator("tr", has_text="core.forward_visit").last
    expect(dead_row).to_contain_text("上游系统不可用")
    dead_row.get_by_role("button", name="重新投递").click()
    expect(page.locator(".flash")).to_be_visible()
    with engine_of(dead_letter_app).connect() as conn:
        status = conn.execute(text("SELECT status FROM core_event_delivery")).scalar_one()
    assert status == "pending"  # queued again for the dispatchers
