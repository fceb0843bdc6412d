"""The resident list on a phone (390×844) in a real headless Chromium: one card per
resident, nothing wider than the screen, and a grid typed by name into the node picker's
search box — found, or refused in Chinese with no list."""

import pytest
from playwright.sync_api import expect
from resident_helpers import make_id, register

from core.testing import sign_in_page

pytestmark = pytest.mark.slow
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def many_grids(app, enabled):
    """Seven more grids in 幸福社区: the county's picker then has a search box (over 12 nodes)."""
    from core.db import session_scope
    from core.tree.models import OrgNode

    with app.app_context(), session_scope(app) as db:
        for number in range(3, 10):
            db.add(OrgNode(id=f"g{number}", parent_id="m1", kind="grid", name=f"幸福{number}号网格",
                           path=f"c1/s1/m1/g{number}", depth=3))  # fmt: skip


def test_cards_on_a_phone_and_a_grid_typed_by_name(browser, live_server, client, login_as, make_user, many_grids):
    login_as("county_admin", "c1")
    register(client, name="陈淑珍", id_number=make_id("19460821", "046"), org_path="c1/s1/m1/g1")
    register(client, name="周杰", id_number=make_id("19900101", "017"), org_path="c1/s1/m12/g10")
    page = browser.new_context(viewport=PHONE).new_page()
    sign_in_page(page, live_server, make_user("county_admin", "c1").username)
    page.goto(f"{live_server.url}/resident_info/")

    card = page.locator("tbody tr", has_text="周杰")
    expect(card.locator("td.primary")).to_be_visible()
    expect(card.locator("td[data-label='网格']")).to_have_text("东湖街道 › 和平社区 › 和平十网格")
    expect(card.locator("td[data-label='身份证号']")).to_be_hidden()  # not needed on a card
    assert card.get_by_role("link", name="周杰").bounding_box()["height"] >= 44  # a thumb's tap
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    search = page.locator(".grid-filter .node-search")
    search.fill("和平十网格")
    with page.expect_navigation():
        search.press("Enter")
    expect(page.locator("td.primary")).to_have_text(["周杰"])

    search = page.locator(".grid-filter .node-search")
    search.fill("幸福")
    with page.expect_navigation():
        search.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("个网格或社区与这个名称相符")
    expect(page.locator("td.primary")).to_have_count(0)
    expect(page.locator(".grid-filter .node-search")).to_have_value("幸福")  # given back to correct
