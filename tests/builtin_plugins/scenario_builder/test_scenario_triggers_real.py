"""End to end with real plugins: a scenario joining resident_info's registration form to
special_visits' roster, with the trigger "a resident tagged 独居老人 → visit within 3 days".
Registering such a resident through resident_info's API brings their first visit forward
from the group's interval to within three days, through the event bus."""

import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from core.events.dispatch import Dispatcher
from core.testing import rows, signed_in_client
from core.timeutil import today

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "special_visits"))
from visits_helpers import GRID, enable_visits, register  # noqa: E402

M1 = "c1/s1/m1"
VISIT_SOON = {
    "when": {"block": 0, "event": "resident_tagged"},
    "if": {"field": "tag", "op": "equals", "value": "独居老人"},
    "then": {"block": 1, "action": "visit_soon", "mapping": {"resident_id": "resident_id"}},
}
HEAT_WAVE = {
    "title": "高温关爱独居老人",
    "blocks": [
        {"plugin": "resident_info", "block": "registration_form", "settings": {}},
        {"plugin": "special_visits", "block": "my_roster", "settings": {}},
    ],
    "published_to": [{"org_path": M1, "subtree": True}],
    "packages": ["grid_feedback_worker"],
}


@pytest.fixture
def app(with_plugins, org_tree):
    app = with_plugins("resident_info", "special_visits", "scenario_builder", enabled_at="c1")
    enable_visits(app)
    return app


def drain(app):
    with app.app_context():
        return Dispatcher(app).drain()


def due_dates(app):
    return dict(rows(app, "SELECT resident_id, due_date FROM special_visits_entry"))


def publish_scenario(admin, triggers):
    doc = {**HEAT_WAVE, "triggers": triggers}
    response = admin.post("/api/v1/scenarios", json={"org_path": M1, "document": doc})
    assert response.status_code == 201, response.get_json()
    scenario_id = response.get_json()["id"]
    assert admin.post(f"/api/v1/scenarios/{scenario_id}/publish", json={}).status_code == 200


def first_due(app, admin, triggers):
    publish_scenario(admin, triggers)
    resident = register(admin, age=80, tags=("独居老人",), grid=GRID)
    drain(app)
    found = due_dates(app)[resident["id"]]
    return found if isinstance(found, date) else date.fromisoformat(str(found)[:10])


def test_a_resident_tagged_living_alone_is_visited_within_three_days(app, make_user):
    admin = signed_in_client(app, make_user("community_admin", M1))
    assert first_due(app, admin, [VISIT_SOON]) <= today() + timedelta(days=3)
    assert rows(app, "SELECT status FROM scenario_builder_trigger_run") == [("done",)]


def test_without_the_trigger_the_first_visit_keeps_the_groups_interval(app, make_user):
    admin = signed_in_client(app, make_user("community_admin", M1))
    assert first_due(app, admin, []) > today() + timedelta(days=3)
