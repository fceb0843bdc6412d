"""The core's pages on a phone and by name, in a real headless Chromium: lists become cards
at 390 px without sideways scrolling, a node is found by its name, an unclear name is said
so in Chinese, and times are Beijing time whatever the browser's own zone."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from core.testing import sign_in_page
from core.timeutil import local_text

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, timezone_id="UTC")  # not the deployment's zone
    yield context.new_page()
    context.close()


def assert_no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page scrolls sideways on a phone ({width}px)"


@pytest.fixture
def county_admin_with_two_grids(phone, live_server, make_user, org_tree):
    """A county admin signed in on the phone; one grid worker in each street."""
    make_user("grid_feedback_worker", "c1/s1/m1/g1", username="xingfu_worker")
    make_user("grid_feedback_worker", "c1/s2/m2/g2", username="qingshan_worker")
    sign_in_page(phone, live_server, make_user("county_admin", "c1").username)
    return phone


def test_accounts_are_cards_on_a_phone_and_a_typed_node_name_filters_them(county_admin_with_two_grids, live_server):
    phone = county_admin_with_two_grids
    phone.goto(f"{live_server.url}/users?org_path=幸福一网格")
    cards = phone.locator("table.list.cards tbody tr")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("xingfu_worker")
    expect(cards.first.locator("td[data-label=所属组织]")).to_have_text("幸福一网格")
    expect(cards.first).not_to_contain_text("c1/s1")
    assert cards.first.evaluate("row => getComputedStyle(row).display") == "block"
    assert_no_sideways_scroll(phone)


def test_an_unclear_node_name_says_so_and_lists_no_one(phone, live_server, make_user, org_tree):
    sign_in_page(phone, live_server, make_user("county_admin", "c1").username)
    phone.goto(f"{live_server.url}/users?org_path=网格")
    expect(phone.get_by_role("alert")).to_have_text("所属组织：有 3 个组织符合，请输入更完整的名称或从列表中选择。")
    expect(phone.locator("table.list tbody tr")).to_have_text("没有符合条件的账号。")
    phone.goto(f"{live_server.url}/users?org_path=没有这个社区")
    expect(phone.get_by_role("alert")).to_contain_text("所属组织：没有找到这个名称的组织")


def test_grants_filter_by_a_node_picked_by_name_in_the_filter_disclosure(county_admin_with_two_grids, live_server):
    phone = county_admin_with_two_grids
    phone.goto(f"{live_server.url}/grants")
    filters = phone.locator("details.filters")
    filters.locator("summary", has_text="筛选").click()
    filters.locator("select[name=org]").select_option(label="　　　青山二网格")  # indented by depth
    phone.get_by_role("button", name="查询").click()
    rows = phone.locator("table.list.cards tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("西山镇 › 青山村 › 青山二网格")
    expect(rows.first).to_contain_text("网格反馈员")
    assert_no_sideways_scroll(phone)


def test_token_times_are_beijing_time_in_a_browser_set_to_utc(phone, live_server, make_user):
    sign_in_page(phone, live_server, make_user("community_admin", "c1").username)
    phone.goto(f"{live_server.url}/account/tokens")
    phone.get_by_label("令牌名称").fill("对接系统")
    phone.get_by_role("button", name="新建令牌").click()
    row = phone.locator("#token-list tbody tr", has_text="对接系统")
    expect(row).to_contain_text("有效")
    created = phone.request.get(f"{live_server.url}/api/v1/tokens").json()["items"][0]["created_at"]
    expect(row.locator("td[data-label=创建时间]")).to_have_text(local_text(datetime.fromisoformat(created)))
    assert_no_sideways_scroll(phone)


@pytest.fixture
def many_grids(app, org_tree):
    """Four more grids under 青山村: more than a dozen nodes, so pickers get their search box."""
    from core.db import session_scope
    from core.tree.models import OrgNode

    with app.app_context(), session_scope(app) as db:
        for n in range(4):
            path = f"c1/s2/m2/g2{n}"
            db.add(OrgNode(id=f"g2{n}", parent_id="m2", kind="grid", name=f"青山{n}组", path=path, depth=3))


def test_a_name_typed_into_the_picker_picks_its_node(phone, live_server, make_user, many_grids):
    make_user("grid_feedback_worker", "c1/s2/m2/g2", username="qingshan_worker")
    sign_in_page(phone, live_server, make_user("county_admin", "c1").username)
    phone.goto(f"{live_server.url}/users")
    phone.locator("details.filters summary").click()
    picker = phone.locator("details.filters .node-picker")
    search, select = picker.locator(".node-search"), picker.locator("select")
    search.fill("青山")  # 青山村, its grids: several fit, the person chooses
    expect(select).to_have_value("")
    search.fill("青山村")  # exactly one node has this name
    expect(select).to_have_value("c1/s2/m2")
    phone.get_by_role("button", name="查询").click()
    expect(phone.locator("table.list tbody tr")).to_have_count(1)
    expect(phone.locator("table.list tbody tr")).to_contain_text("qingshan_worker")
