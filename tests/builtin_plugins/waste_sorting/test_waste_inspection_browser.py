"""The ten-tap promise on a phone (390×844, headless Chromium, touch): from the workbench a
grid worker records a failed inspection — tap the day's work, tap the point, tap the failing
item, tap save — and every tap is counted. Screenshots go to test-results/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from waste_helpers import seed_point

from core.testing import rows, sign_in_page

pytestmark = pytest.mark.slow
SHOTS = Path(__file__).parents[3] / "test-results"


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    yield context.new_page()
    context.close()


class Taps:
    """Taps through this counter only, so the test counts what a person does."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        self.count += 1
        locator.tap()


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_failed_inspection_from_the_workbench_in_under_ten_taps(phone, live_server, app, make_user, enabled):
    SHOTS.mkdir(exist_ok=True)
    point = seed_point(app)
    sign_in_page(phone, live_server, make_user("grid_feedback_worker", "c1/s1/m1/g1").username)
    phone.goto(f"{live_server.url}/")
    tap = Taps()

    tap(phone.get_by_role("link", name=re.compile("今日待检")))
    tap(phone.get_by_role("link", name=re.compile("3栋北侧投放点")))
    expect(phone.get_by_text("每项默认合格，不合格的点一下。")).to_be_visible()
    tap(phone.locator("label[for=fail-bins_full]"))
    tap(phone.locator("label[for=fail-labels]"))
    expect(phone.locator("label[for=fail-labels]")).to_contain_text("不合格")
    assert no_sideways_scroll(phone)
    phone.screenshot(path=str(SHOTS / "waste-inspection-390.png"), full_page=True)
    tap(phone.get_by_role("button", name="保存检查结果"))

    expect(phone.locator("h1")).to_contain_text("不合格")
    expect(phone.get_by_text("得分 75 / 100")).to_be_visible()
    assert tap.count < 10, f"{tap.count} taps"
    assert no_sideways_scroll(phone)
    phone.screenshot(path=str(SHOTS / "waste-inspection-result-390.png"), full_page=True)
    (inspection,) = rows(app, "SELECT passed, point_id FROM waste_sorting_inspection")
    assert not inspection.passed and inspection.point_id == point
    assert len(rows(app, "SELECT id FROM waste_sorting_rectification WHERE status = 'open'")) == 1


def test_the_tap_targets_on_the_inspection_form_are_large_enough(phone, live_server, app, make_user, enabled):
    point = seed_point(app)
    sign_in_page(phone, live_server, make_user("grid_feedback_worker", "c1/s1/m1/g1").username)
    phone.goto(f"{live_server.url}/waste_sorting/inspect/{point}")
    heights = phone.locator(".ws-toggle").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44
    assert phone.get_by_role("button", name="保存检查结果").bounding_box()["height"] >= 44
