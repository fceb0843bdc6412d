"""Every rule the builder checks holds on the server too: each refusal is problem+json in
Chinese pointing at the block and field, never echoing the value, and stores nothing."""

import pytest
from scenario_helpers import M1, M12, create, document, notes

from core.db import session_scope
from core.plugin_system.enablement import set_state
from core.state import state_of
from core.testing import rows, signed_in_client

GOOD_TRIGGER = {
    "when": {"block": 0, "event": "noted"},
    "if": {"field": "count", "op": "gt", "value": 3},
    "then": {"block": 1, "action": "remember", "mapping": {"text": "text"}},
}


def refused(client, doc, pointer):
    before = client.get("/api/v1/scenarios").get_json()["items"]
    response = client.post("/api/v1/scenarios", json={"org_path": M1, "document": doc})
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert pointer in [e["pointer"] for e in body["errors"]], body
    assert client.get("/api/v1/scenarios").get_json()["items"] == before  # nothing stored
    return next(e["detail"] for e in body["errors"] if e["pointer"] == pointer)


def test_an_invalid_setting_points_at_the_block_and_field_without_echoing_it(admin):
    detail = refused(admin, document(notes(3), notes(31415)), "/blocks/1/settings/days")
    assert "第 2 个功能块的设置" in detail and "31415" not in detail


def test_an_unknown_plugin_and_an_unknown_block_are_named(admin):
    assert "未安装" in refused(admin, document({"plugin": "nowhere", "block": "x", "settings": {}}), "/blocks/0/plugin")
    assert "不存在" in refused(
        admin, document({"plugin": "fx_scenes", "block": "x", "settings": {}}), "/blocks/0/block"
    )


def test_settings_newer_than_the_installed_plugin_are_refused(admin):
    newer = {**notes(3), "settings_version": 9}
    assert "请先升级该模块" in refused(admin, document(newer), "/blocks/0/settings_version")


@pytest.mark.parametrize("state", ["disabled", "forbidden"])
def test_a_block_of_a_plugin_switched_off_at_the_node_is_refused(scenes_app, admin, state):
    with scenes_app.app_context(), session_scope(scenes_app) as db:
        set_state(db, state_of(scenes_app).host, "fx_scenes", M1, state, actor="test")
    response = admin.post("/api/v1/scenarios", json={"org_path": M1, "document": document(notes(3))})
    assert response.status_code == 422
    assert response.get_json()["pointer"] == "/blocks/0/plugin"
    assert "所属的模块「测试场景块」未在本组织启用" in response.get_json()["detail"]


@pytest.mark.parametrize(
    ("change", "pointer", "words"),
    [
        ({"when": {"block": 5, "event": "noted"}}, "/triggers/0/when/block", "引用的功能块不存在"),
        ({"when": {"block": 0, "event": "shouted"}}, "/triggers/0/when/event", "不是该功能块会发出的事件"),
        ({"if": {"field": "colour", "op": "equals", "value": 1}}, "/triggers/0/if/field", "不是该事件的字段"),
        ({"if": {"field": "count", "op": "lt", "value": "many"}}, "/triggers/0/if/value", "需要一个数"),
        ({"if": {"field": "text", "op": "in", "value": "a"}}, "/triggers/0/if/value", "需要一组值"),
        (
            {"then": {"block": 1, "action": "forget", "mapping": {}}},
            "/triggers/0/then/action",
            "不接受的动作",
        ),
        (
            {"then": {"block": 1, "action": "remember", "mapping": {"text": "text", "x": "text"}}},
            "/triggers/0/then/mapping/x",
            "动作没有的字段",
        ),
        (
            {"then": {"block": 1, "action": "remember", "mapping": {"text": "colour"}}},
            "/triggers/0/then/mapping/text",
            "事件中不存在的字段",
        ),
        ({"then": {"block": 1, "action": "remember", "mapping": {}}}, "/triggers/0/then/mapping/text", "必填字段"),
        (
            {"then": {"block": 1, "action": "remember", "values": {"text": 5}}},
            "/triggers/0/then/values/text",
            "的固定值「内容」不符合要求",
        ),
    ],
)
def test_an_incompatible_trigger_is_refused_at_its_part(admin, change, pointer, words):
    trigger = {**GOOD_TRIGGER, **change}
    assert words in refused(admin, document(notes(3), notes(4), triggers=[trigger]), pointer)


def test_a_compatible_trigger_is_kept(admin):
    scenario_id = create(admin, document(notes(3), notes(4), triggers=[GOOD_TRIGGER]))
    assert admin.get(f"/api/v1/scenarios/{scenario_id}").get_json()["document"]["triggers"] == [GOOD_TRIGGER]


@pytest.mark.parametrize(
    ("targets", "packages", "pointer"),
    [
        ([{"org_path": M12}], ["grid_feedback_worker"], "/published_to/0/org_path"),  # the neighbour community
        ([{"org_path": "c1/s1/m1/g99"}], ["grid_feedback_worker"], "/published_to/0/org_path"),  # no such node
        ([], ["grid_feedback_worker"], "/published_to"),
        ([{"org_path": M1}], ["no_such_package"], "/packages/0"),
        ([{"org_path": M1}], [], "/packages"),
    ],
)
def test_publishing_only_inside_the_publishers_scope_to_real_packages(admin, scenes_app, targets, packages, pointer):
    scenario_id = create(admin, document(published_to=targets, packages=packages))
    response = admin.post(f"/api/v1/scenarios/{scenario_id}/publish", json={})
    assert response.status_code == 422 and pointer in [e["pointer"] for e in response.get_json()["errors"]]
    assert admin.get(f"/api/v1/scenarios/{scenario_id}").get_json()["status"] == "draft"


def test_another_community_admin_can_neither_read_nor_change_nor_import_here(admin, scenes_app, make_user):
    scenario_id = create(admin, document(published_to=[{"org_path": M1}], packages=["grid_feedback_worker"]))
    neighbour = signed_in_client(scenes_app, make_user("community_admin", M12))
    base = f"/api/v1/scenarios/{scenario_id}"
    assert neighbour.get(base).status_code == 404
    assert neighbour.get(f"{base}/versions").status_code == 404
    assert neighbour.get(f"{base}/versions/1").status_code == 404
    assert neighbour.get(f"{base}/export").status_code == 404
    assert neighbour.put(base, json={"based_on": 1, "document": document(notes(1))}).status_code == 404
    assert neighbour.post(f"{base}/publish", json={}).status_code == 404
    assert neighbour.post(f"{base}/rollback", json={"version": 1, "based_on": 1}).status_code == 404
    assert neighbour.get("/api/v1/scenarios").get_json()["items"] == []
    assert neighbour.post("/api/v1/scenarios/import", json={"org_path": M1, "document": document()}).status_code == 403
    assert neighbour.post("/api/v1/scenarios", json={"org_path": M1, "document": document()}).status_code == 403
    assert rows(scenes_app, "SELECT count(*) FROM scenario_builder_scenario") == [(1,)]


def test_a_grid_worker_cannot_build_scenarios(scenes_app, make_user):
    worker = signed_in_client(scenes_app, make_user("grid_feedback_worker", f"{M1}/g1"))
    assert worker.post("/api/v1/scenarios", json={"org_path": M1, "document": document()}).status_code == 403
