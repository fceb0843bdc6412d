"""Usage per scenario (#14 item 9, #15's slimming list): staff opening a scenario's workbench,
sending a block's form from it and a trigger running for it count as that scenario's use; the
county's slimming list shows, per module, the scenarios that place it with their opens and
distinct users, by title and linked."""

import re
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from core.db import session_scope
from core.events.dispatch import Dispatcher
from core.testing import run_due_jobs, signed_in_client
from core.usage.models import ScenarioUseCount, ScenarioUserDay, ScenarioWeekly
from core.usage.periods import Period
from core.usage.rollup import roll_up
from core.usage.scenario_figures import scenario_use

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "special_visits"))
from test_scenario_triggers_real import HEAT_WAVE as HEAT_WAVE_BLOCKS  # noqa: E402
from test_scenario_triggers_real import M1, VISIT_SOON  # noqa: E402
from visits_helpers import GRID, enable_visits, make_id  # noqa: E402

PERIOD = "start=2026-11-01&end=2026-12-03"
HEAT_WAVE = {**HEAT_WAVE_BLOCKS, "triggers": [VISIT_SOON]}  # 独居老人 registered → visited soon


@pytest.fixture
def app(with_plugins, org_tree, clock):
    app = with_plugins("resident_info", "special_visits", "scenario_builder", enabled_at="c1")
    enable_visits(app)
    clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=clock.zone))
    return app


def publish(admin, doc):
    response = admin.post("/api/v1/scenarios", json={"org_path": M1, "document": doc})
    assert response.status_code == 201, response.get_json()
    scenario_id = response.get_json()["id"]
    assert admin.post(f"/api/v1/scenarios/{scenario_id}/publish", json={}).status_code == 200
    return scenario_id


def register_from_workbench(worker, page):
    """Send the registration block's form as the worker's browser would: with its hidden fields."""
    hidden = dict(re.findall(r'<input type="hidden" name="(gridwork_scenario)" value="([^"]+)">', page))
    body = {"name": "王秀英", "id_number": make_id(date(1946, 8, 21)), "org_path": GRID, "tags_shown": "1"}
    response = worker.post("/resident_info/residents/new", data={**body, **hidden, "tags": ["独居老人"]})
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:300]
    return hidden


def roll_up_the_night_after(app, clock):
    clock.set(datetime(2026, 12, 3, 2, 45, tzinfo=clock.zone))
    assert run_due_jobs(app)["core.usage_rollup"] == "done"


def test_opens_and_actions_inside_a_scenario_reach_the_slimming_list(app, make_user, clock):
    admin = signed_in_client(app, make_user("community_admin", M1))
    scenario_id = publish(admin, HEAT_WAVE)
    first, second = (signed_in_client(app, make_user("grid_feedback_worker", GRID)) for _ in range(2))
    page = first.get(f"/scenarios/{scenario_id}").get_data(as_text=True)
    first.get(f"/scenarios/{scenario_id}")
    second.get(f"/scenarios/{scenario_id}")
    assert register_from_workbench(first, page) == {"gridwork_scenario": str(scenario_id)}
    with app.app_context():
        Dispatcher(app).drain()  # the trigger runs: one more action, by nobody in particular
    roll_up_the_night_after(app, clock)

    county = signed_in_client(app, make_user("county_admin", "c1"))
    listing = county.get(f"/api/v1/modules/slimming?{PERIOD}").get_json()
    rows = {row["plugin"]: row for row in listing["modules"]}
    expected = [{"id": str(scenario_id), "title": "高温关爱独居老人", "url": f"/scenarios/{scenario_id}",
                 "opens": 3, "actions": 2, "users": 2}]  # fmt: skip
    assert rows["resident_info"]["placed_scenarios"] == expected
    assert rows["special_visits"]["placed_scenarios"] == expected
    assert rows["resident_info"]["placement_opens"] == 3
    assert "本期共打开 3 次" in rows["resident_info"]["reason_text"]
    html = county.get(f"/usage/slimming?{PERIOD}").get_data(as_text=True)
    assert f'<a href="/scenarios/{scenario_id}">高温关爱独居老人</a>' in html and "打开 3 次 · 2 人" in html


def test_an_admins_preview_and_other_pages_are_not_use_of_the_scenario(app, make_user, clock):
    admin = signed_in_client(app, make_user("community_admin", M1))
    scenario_id = publish(admin, HEAT_WAVE)
    admin.put(f"/api/v1/scenarios/{scenario_id}", json={"based_on": 1, "document": HEAT_WAVE})
    assert "预览" in admin.get(f"/scenarios/{scenario_id}").get_data(as_text=True)
    worker = signed_in_client(app, make_user("grid_feedback_worker", GRID))
    assert "gridwork_scenario" not in worker.get("/resident_info/residents/new").get_data(as_text=True)
    roll_up_the_night_after(app, clock)
    county = signed_in_client(app, make_user("county_admin", "c1"))
    rows = {row["plugin"]: row for row in county.get(f"/api/v1/modules/slimming?{PERIOD}").get_json()["modules"]}
    assert rows["resident_info"]["placed_scenarios"][0]["opens"] == 0
    assert any("本期无人打开" in note for note in rows["resident_info"]["suggestions"])


def test_a_scenarios_weekly_users_are_distinct_people_not_sums_of_days(app):
    """One person on Monday and Tuesday, another on Tuesday: the days add up to 3, the week has 2."""
    monday, tuesday = date(2026, 11, 30), date(2026, 12, 1)
    with app.app_context(), session_scope(app) as db:
        for day, user in ((monday, 7), (tuesday, 7), (tuesday, 8)):
            db.execute(insert(ScenarioUserDay), {"day": day, "org_path": GRID, "scenario": "5", "user_id": user})
        for day, opens in ((monday, 1), (tuesday, 2)):
            db.execute(
                insert(ScenarioUseCount), {"day": day, "org_path": GRID, "scenario": "5", "kind": "open", "n": opens}
            )
        roll_up(db, date(2026, 12, 7))
        weekly = db.execute(select(ScenarioWeekly.opens, ScenarioWeekly.users).where(ScenarioWeekly.week == monday))
        assert weekly.all() == [(3, 2)]
        week = Period(monday, date(2026, 12, 7))
        assert scenario_use(db, "c1/s1", week)["5"] == {"opens": 3, "actions": 0, "users": 2}
        assert scenario_use(db, "c1/s1", Period(monday, date(2026, 12, 2)))["5"]["users"] == 2  # edge days only
        assert scenario_use(db, "c1/s2", week) == {}


def test_a_form_names_a_scenario_only_with_a_well_formed_id(app, make_user):
    """The hidden field is the browser's word: a value that is not an id (a tab would split the
    spool line) is ignored, and the form's own use still counts for its module."""
    from core.usage.ingest import ingest_spool
    from core.usage.models import UsageCount

    worker = signed_in_client(app, make_user("grid_feedback_worker", GRID))
    for value in ("7\tx", "", "8"):
        body = {"name": "王秀英", "id_number": make_id(date(1946, 8, 21)), "org_path": GRID, "tags_shown": "1"}
        response = worker.post("/resident_info/residents/new", data={**body, "gridwork_scenario": value})
        assert response.status_code == 302
    ingest_spool(app)
    with app.app_context(), session_scope(app) as db:
        scenario_rows = db.execute(select(ScenarioUseCount.scenario, ScenarioUseCount.kind, ScenarioUseCount.n)).all()
        module_uses = db.execute(select(UsageCount.n).where(UsageCount.plugin == "resident_info")).scalars().all()
    assert scenario_rows == [("8", "action", 1)]
    assert sum(module_uses) == 3
