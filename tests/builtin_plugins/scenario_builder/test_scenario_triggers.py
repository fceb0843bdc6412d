"""Triggers run through the event bus: an event a block emits, published at a node a
published scenario reaches, runs the trigger's action once (however often it is
delivered), only when the condition holds; a failing run shows on the scenario's page for
its admin with the error and a 重试 button."""

import importlib

import pytest
from scenario_helpers import M1, M12, create, document, notes

from core.db import session_scope
from core.events import publish
from core.events.dispatch import Dispatcher
from core.testing import rows, signed_in_client

FOR_WORKERS = {"published_to": [{"org_path": M1, "subtree": True}], "packages": ["grid_feedback_worker"]}
REMEMBER_WHEN_MANY = {
    "when": {"block": 0, "event": "noted"},
    "if": {"field": "count", "op": "gt", "value": 2},
    "then": {"block": 1, "action": "remember", "mapping": {"text": "text"}},
}


@pytest.fixture
def fx(scenes_app):
    """The test plugin's module (importable once the app put its folder on the path)."""
    module = importlib.import_module("fx_scenes.hooks")
    module.REMEMBERED.clear()
    module.REFUSED.clear()
    yield module
    module.REFUSED.clear()


def published(admin, doc):
    scenario_id = create(admin, doc)
    assert admin.post(f"/api/v1/scenarios/{scenario_id}/publish", json={}).status_code == 200
    return scenario_id


def noted(app, text, count, org_path=f"{M1}/g1"):
    with app.app_context(), session_scope(app) as db:
        publish(db, "fx_scenes.noted", {"text": text, "count": count}, org_path=org_path, actor="tester")


def drain(app):
    with app.app_context():
        return Dispatcher(app).drain()


def with_trigger(admin):
    return published(admin, document(notes(3), notes(5), triggers=[REMEMBER_WHEN_MANY], **FOR_WORKERS))


def test_an_action_input_may_be_a_fixed_value_instead_of_a_payload_field(admin, scenes_app, fx):
    fixed = {**REMEMBER_WHEN_MANY, "then": {"block": 1, "action": "remember", "values": {"text": "上门看看"}}}
    published(admin, document(notes(3), notes(5), triggers=[fixed], **FOR_WORKERS))
    noted(scenes_app, "三户未走访", 3)
    drain(scenes_app)
    assert fx.REMEMBERED == ["上门看看"]


def test_an_event_at_a_reached_node_runs_the_action_only_when_the_condition_holds(admin, scenes_app, fx):
    with_trigger(admin)
    noted(scenes_app, "三户未走访", 3)
    noted(scenes_app, "只有一户", 1)
    noted(scenes_app, "别的社区", 9, org_path=f"{M12}/g10")  # not a node the scenario reaches
    drain(scenes_app)
    assert fx.REMEMBERED == ["三户未走访"]
    audited = rows(scenes_app, "SELECT action FROM core_audit_entry WHERE action LIKE 'scenario_builder.trigger%'")
    assert audited == [("scenario_builder.trigger_ran",)]


def test_a_redelivered_event_does_not_run_the_action_twice(admin, scenes_app, fx):
    with_trigger(admin)
    noted(scenes_app, "一次", 5)
    drain(scenes_app)
    with scenes_app.app_context(), session_scope(scenes_app) as db:
        db.connection().exec_driver_sql("UPDATE core_event_delivery SET status = 'pending', lease_owner = NULL")
        db.connection().exec_driver_sql("DELETE FROM core_event_processed")  # even the bus's own marker lost
    assert drain(scenes_app) == 1
    assert fx.REMEMBERED == ["一次"]


def test_a_draft_scenario_runs_no_trigger(admin, scenes_app, fx):
    create(admin, document(notes(3), notes(5), triggers=[REMEMBER_WHEN_MANY], **FOR_WORKERS))
    noted(scenes_app, "草稿", 5)
    drain(scenes_app)
    assert fx.REMEMBERED == []


def test_a_failed_trigger_shows_on_the_scenario_page_for_its_admin_and_retry_runs_it(admin, scenes_app, make_user, fx):
    scenario_id = with_trigger(admin)
    fx.REFUSED.add("坏")
    noted(scenes_app, "坏", 5)
    drain(scenes_app)
    page = admin.get(f"/scenarios/{scenario_id}").get_data(as_text=True)
    assert "执行失败的联动规则" in page and "第 1 条联动规则" in page and "动作执行出错" in page and "重试" in page
    worker = signed_in_client(scenes_app, make_user("grid_feedback_worker", f"{M1}/g1"))
    assert "执行失败的联动规则" not in worker.get(f"/scenarios/{scenario_id}").get_data(as_text=True)
    [(run_id,)] = rows(scenes_app, "SELECT id FROM scenario_builder_trigger_run WHERE status = 'failed'")

    fx.REFUSED.clear()  # the cause is fixed
    response = admin.post(f"/scenarios/{scenario_id}/triggers/{run_id}/retry", data={})
    assert response.status_code == 302
    assert fx.REMEMBERED == ["坏"]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "重试成功" in page and "执行失败的联动规则" not in page
    assert admin.post(f"/scenarios/{scenario_id}/triggers/{run_id}/retry", data={}).status_code == 404


def test_opening_a_scenario_and_a_trigger_run_action_count_as_use_of_the_builder_and_the_plugin(
    admin, scenes_app, make_user, fx
):
    from core.usage.ingest import ingest_spool
    from tests.core.usage_support import counted

    scenario_id = with_trigger(admin)
    ingest_spool(scenes_app)
    before, _users = counted(scenes_app)
    worker = signed_in_client(scenes_app, make_user("grid_feedback_worker", f"{M1}/g1"))
    assert worker.get(f"/scenarios/{scenario_id}").status_code == 200
    noted(scenes_app, "三户", 3)
    drain(scenes_app)
    ingest_spool(scenes_app)
    after, _users = counted(scenes_app)
    used = {key: n - before.get(key, 0) for key, n in after.items() if n != before.get(key, 0)}
    # The page: one line per plugin for the request; the trigger's action: one more each, at the event's node.
    assert used == {
        (f"{M1}/g1", "scenario_builder", "scenario_builder.use"): 2,
        (f"{M1}/g1", "fx_scenes", "fx_scenes.view"): 2,
    }
