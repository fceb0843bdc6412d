"""The pages this work changed, in headless Chromium at phone (390×844) and desktop (1280×800)
size: the slimming list with the scenarios placing each module and their use, /scenarios
warning on a scenario whose module is frozen, and the module's lifecycle page listing the
scenarios it affects. No sideways scroll; screenshots go to test-results/."""

from pathlib import Path

import pytest
from test_scenario_usage import (
    GRID,
    HEAT_WAVE,
    M1,
    PERIOD,
    app,  # noqa: F401 (the fixture: the three plugins, the clock on 2026-12-02)
    publish,
    roll_up_the_night_after,
)

from core.db import session_scope
from core.lifecycle import service as lifecycle
from core.testing import sign_in_page, signed_in_client

pytestmark = pytest.mark.slow
SHOTS = Path(__file__).parents[3] / "test-results"
SIZES = {"phone": (390, 844), "desk": (1280, 800)}


def shoot(page, name):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name}: sideways scroll"
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_scenario_use_and_affected_scenarios_fit_a_phone_and_a_desk(app, browser, live_server, make_user, clock):  # noqa: F811
    SHOTS.mkdir(exist_ok=True)
    admin = make_user("community_admin", M1)
    scenario_id = publish(signed_in_client(app, admin), HEAT_WAVE)
    for _ in range(2):
        signed_in_client(app, make_user("grid_feedback_worker", GRID)).get(f"/scenarios/{scenario_id}")
    roll_up_the_night_after(app, clock)
    with app.app_context(), session_scope(app) as db:
        lifecycle.freeze(db, "special_visits", M1, "test")
        db.commit()
    county = make_user("county_admin", "c1")
    for size, (width, height) in SIZES.items():
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        sign_in_page(page, live_server, county.username)
        page.goto(f"{live_server.url}/usage/slimming?{PERIOD}")
        assert page.get_by_role("link", name="高温关爱独居老人").count() >= 2
        shoot(page, f"slimming_scenarios_{size}")
        page.goto(f"{live_server.url}/modules/special_visits/lifecycle/m1")
        shoot(page, f"lifecycle_affected_{size}")
        context.close()
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        sign_in_page(page, live_server, admin.username)
        page.goto(f"{live_server.url}/scenarios/")
        assert page.get_by_text("已在本组织冻结").count() == 1
        shoot(page, f"scenarios_affected_{size}")
        context.close()
