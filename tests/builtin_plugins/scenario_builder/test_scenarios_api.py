"""The scenario API as a community admin meets it: saving makes versions, stale saves are
refused with who saved, published versions never change, rollback and export → import."""

from scenario_helpers import M1, create, document, notes

from core.testing import rows


def test_a_new_scenario_is_draft_version_one_with_its_blocks_in_order(admin):
    scenario_id = create(admin, document(notes(3), notes(5, heading="第二块")))
    body = admin.get(f"/api/v1/scenarios/{scenario_id}").get_json()
    assert (body["status"], body["latest_version"]) == ("draft", 1)
    assert [b["settings"]["days"] for b in body["document"]["blocks"]] == [3, 5]
    assert body["document"]["blocks"][0]["settings_version"] == 2  # stored with the schema's version


def test_each_save_is_a_new_version_and_every_version_is_kept(admin):
    scenario_id = create(admin)
    for based_on, days in ((1, 3), (2, 4), (3, 5)):
        response = admin.put(
            f"/api/v1/scenarios/{scenario_id}", json={"based_on": based_on, "document": document(notes(days))}
        )
        assert response.status_code == 200, response.get_json()
    listed = admin.get(f"/api/v1/scenarios/{scenario_id}/versions").get_json()["items"]
    assert [v["number"] for v in listed] == [1, 2, 3, 4]
    first = admin.get(f"/api/v1/scenarios/{scenario_id}/versions/1").get_json()
    assert first["document"]["blocks"][0]["settings"]["days"] == 7


def test_a_save_based_on_a_stale_version_is_refused_naming_who_saved(admin, scenes_app, make_user):
    scenario_id = create(admin)
    assert (
        admin.put(f"/api/v1/scenarios/{scenario_id}", json={"based_on": 1, "document": document(notes(2))}).status_code
        == 200
    )
    second_tab = admin.put(f"/api/v1/scenarios/{scenario_id}", json={"based_on": 1, "document": document(notes(9))})
    assert second_tab.status_code == 409
    assert second_tab.get_json()["pointer"] == "/based_on"
    assert "保存为第 2 版" in second_tab.get_json()["detail"] and "于 20" in second_tab.get_json()["detail"]
    latest = admin.get(f"/api/v1/scenarios/{scenario_id}").get_json()["document"]
    assert latest["blocks"][0]["settings"]["days"] == 2  # the other tab's edit was not overwritten


def test_a_published_version_stays_as_published_while_the_next_draft_changes(admin):
    scenario_id = create(
        admin, document(published_to=[{"org_path": M1, "subtree": True}], packages=["grid_feedback_worker"])
    )
    assert admin.post(f"/api/v1/scenarios/{scenario_id}/publish", json={}).status_code == 200
    edited = document(notes(1), published_to=[{"org_path": M1, "subtree": True}], packages=["grid_feedback_worker"])
    assert admin.put(f"/api/v1/scenarios/{scenario_id}", json={"based_on": 1, "document": edited}).status_code == 200
    body = admin.get(f"/api/v1/scenarios/{scenario_id}").get_json()
    assert (body["published_version"], body["latest_version"]) == (1, 2)
    published = admin.get(f"/api/v1/scenarios/{scenario_id}/versions/1").get_json()
    assert published["published"] and published["document"]["blocks"][0]["settings"]["days"] == 7


def test_rollback_makes_a_new_version_equal_to_the_old_one_and_says_what_changed(admin):
    scenario_id = create(admin, document(notes(7)))
    admin.put(f"/api/v1/scenarios/{scenario_id}", json={"based_on": 1, "document": document(notes(3), notes(4))})
    response = admin.post(f"/api/v1/scenarios/{scenario_id}/rollback", json={"version": 1, "based_on": 2})
    assert response.status_code == 200 and response.get_json()["latest_version"] == 3
    third = admin.get(f"/api/v1/scenarios/{scenario_id}/versions/3").get_json()
    first = admin.get(f"/api/v1/scenarios/{scenario_id}/versions/1").get_json()
    assert third["document"] == first["document"] and third["note"] == "回退到第 1 版"
    second = admin.get(f"/api/v1/scenarios/{scenario_id}/versions/2").get_json()
    assert "「记事」的设置「天数」由 7 改为 3" in second["changes"]
    assert "在第 2 位新增功能块「记事」" in second["changes"]
    assert "删除了功能块「记事」" in third["changes"]


def test_export_then_import_gives_an_equal_document(admin):
    trigger = {
        "when": {"block": 0, "event": "noted"},
        "if": {"field": "count", "op": "gt", "value": 3},
        "then": {"block": 1, "action": "remember", "mapping": {"text": "text"}},
    }
    scenario_id = create(admin, document(notes(3), notes(4), triggers=[trigger]))
    exported = admin.get(f"/api/v1/scenarios/{scenario_id}/export").get_json()
    imported = admin.post("/api/v1/scenarios/import", json={"org_path": M1, "document": exported})
    assert imported.status_code == 201
    assert admin.get(f"/api/v1/scenarios/{imported.get_json()['id']}/export").get_json() == exported
    assert admin.get("/api/v1/scenarios/schema").get_json()["title"] == "治理场景（导出文件）"


def test_import_needing_a_missing_block_is_refused_with_the_list_and_stores_nothing(admin, scenes_app):
    doc = document(notes(3), {"plugin": "waste_sorting", "block": "inspection", "settings": {}})
    before = rows(scenes_app, "SELECT count(*) FROM scenario_builder_scenario")
    response = admin.post("/api/v1/scenarios/import", json={"org_path": M1, "document": doc})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [(e["plugin"], e["installed"], e["problem"]) for e in errors] == [("waste_sorting", False, "未安装")]
    assert rows(scenes_app, "SELECT count(*) FROM scenario_builder_scenario") == before


def test_settings_saved_under_an_old_schema_version_are_migrated(admin):
    old = {"plugin": "fx_scenes", "block": "notes", "settings": {"span": 12}, "settings_version": 1}
    scenario_id = create(admin, document(old))
    placed = admin.get(f"/api/v1/scenarios/{scenario_id}").get_json()["document"]["blocks"][0]
    assert (placed["settings"], placed["settings_version"]) == ({"days": 12}, 2)
