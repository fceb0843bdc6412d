"""A first-time walk through the demo, as each demo role, on a phone (390×844) and a desktop
(1280×800), in Debian's Chromium: every page the role can reach by following links shows
names, never a bare org path, permission code or role-package code; times in Beijing time;
no page scrolls sideways on the phone. A screenshot of every page is written to
``$GRIDWORK_ARTIFACTS`` (default ``build/walk``) for people to look at."""

import os
from pathlib import Path

import pytest

from core.demo import ACCOUNTS
from core.state import state_of
from core.testing import TEST_PASSWORD, default_package_names, sign_in_page
from tests.ui.walk_support import LINKS, MAX_PAGES, READ_TEXT, codes_in, next_pages, page_shape, utc_times_in

pytestmark = pytest.mark.slow

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
ARTIFACTS = Path(os.environ.get("GRIDWORK_ARTIFACTS", "build/walk"))


@pytest.fixture
def demo(app, clock):
    """The demo as ``gridwork demo`` leaves it, made at 09:00 Beijing time (01:00 UTC)."""
    from core.demo import prepare_demo

    with app.app_context():
        prepare_demo(app, TEST_PASSWORD)
    return app


def forbidden_words(app):
    permissions = [permission.name for permission in state_of(app).catalogue.all()]
    return permissions + default_package_names()


def walk(page, base_url):
    """Visit every page reachable from home, one per shape; yield (path, page) on each."""
    seen, queue = {"/"}, ["/"]
    while queue and len(seen) <= MAX_PAGES:
        path = queue.pop(0)
        response = page.goto(base_url + path)
        if response is None or not response.ok or "text/html" not in response.headers.get("content-type", ""):
            continue
        yield path, page
        queue.extend(next_pages(base_url, page.evaluate(LINKS), seen))


def problems_on(page, words, width):
    text = page.evaluate(READ_TEXT)
    found = [f"代码：{code}" for code in codes_in(text, words)]
    found += [f"非北京时间：{time}" for time in utc_times_in(text, utc_hour=1)]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        found.append(f"横向滚动：{scroll_width}px")
    return found


@pytest.mark.parametrize("username", [account[0] for account in ACCOUNTS])
def test_every_page_shows_names_beijing_time_and_fits_a_phone(demo, browser, live_server, username):
    words, report = forbidden_words(demo), {}
    for name, viewport in VIEWPORTS.items():
        phone = name == "phone"
        # A browser set up as people here set theirs up: Chinese, Beijing time.
        context = browser.new_context(
            viewport=viewport, is_mobile=phone, has_touch=phone, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        page = context.new_page()
        sign_in_page(page, live_server, username)
        visited = 0
        for path, shown in walk(page, live_server.url):
            visited += 1
            shot = ARTIFACTS / username / name / (page_shape(path).strip("/").replace("/", "_") or "home")
            shot.parent.mkdir(parents=True, exist_ok=True)
            shown.screenshot(path=f"{shot}.png", full_page=True)
            found = problems_on(shown, words, viewport["width"])
            if found:
                report[f"{name} {path}"] = sorted(set(found))
        context.close()
        assert visited >= 3, f"{username} reached only {visited} pages on the {name}"
    assert not report, "\n".join(f"{where}: {', '.join(found)}" for where, found in sorted(report.items()))
