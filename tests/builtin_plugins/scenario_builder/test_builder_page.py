"""The builder page /scenarios/<id>/edit: who may open it, what its palette offers, its
settings form and its preview (the browser steps are in tests/ui/test_builder_browser.py)."""

from scenario_helpers import M1, M12, create, document, notes

from core.testing import signed_in_client


def test_an_admin_opens_the_builder_with_the_blocks_enabled_at_the_node(admin):
    scenario_id = create(admin, document(notes(days=3)))
    page = admin.get(f"/scenarios/{scenario_id}/edit").get_data(as_text=True)
    assert "测试场景块" in page and "记事" in page and "坏块" in page
    assert 'aria-label="添加「记事」到场景"' in page
    assert "Sortable.min.js" in page
    assert admin.get("/scenarios/").get_data(as_text=True).count(f"/scenarios/{scenario_id}/edit") == 1


def test_the_builder_serves_its_vendored_assets(admin):
    assets = (("vendor/sortablejs/Sortable.min.js", b"Sortable"), ("scenario_builder/builder.js", b"forceFallback"))
    for asset, marker in assets:
        with admin.get(f"/scenarios/static/{asset}") as response:
            assert response.status_code == 200 and marker in response.data


def test_a_grid_worker_is_refused_the_builder(scenes_app, admin, make_user):
    scenario_id = create(admin)
    worker = signed_in_client(scenes_app, make_user("grid_feedback_worker", f"{M1}/g1"))
    assert worker.get(f"/scenarios/{scenario_id}/edit").status_code == 403


def test_another_communitys_admin_cannot_open_it(scenes_app, admin, make_user):
    scenario_id = create(admin)
    neighbour = signed_in_client(scenes_app, make_user("community_admin", M12))
    assert neighbour.get(f"/scenarios/{scenario_id}/edit").status_code == 404
    form = {"plugin": "fx_scenes", "block": "notes", "settings": {}}
    assert neighbour.post(f"/scenarios/{scenario_id}/edit/form", json=form).status_code == 404


def test_the_settings_form_shows_the_servers_error_by_its_field(admin):
    scenario_id = create(admin)
    detail = "第 1 个功能块的设置 /days：不能大于 30"  # as the save refused it
    body = {"plugin": "fx_scenes", "block": "notes", "settings": {"days": 99}, "errors": {"days": detail}}
    html = admin.post(f"/scenarios/{scenario_id}/edit/form", json=body).get_json()["html"]
    assert 'name="days"' in html and 'value="99"' in html
    assert "不能大于 30" in html and "/days" not in html  # the field named by its title, not its code


def test_the_preview_renders_unsaved_blocks_without_saving_them(admin):
    scenario_id = create(admin)
    blocks = [notes(days=5, heading="上门走访")]
    html = admin.post(f"/scenarios/{scenario_id}/edit/preview", json={"blocks": blocks, "org_path": M1}).get_json()
    assert "上门走访：5 天" in html["html"]
    assert admin.get(f"/api/v1/scenarios/{scenario_id}").get_json()["latest_version"] == 1


def test_the_preview_as_a_package_leaves_out_blocks_it_may_not_see(admin):
    scenario_id = create(admin)
    body = {"blocks": [notes(days=5, heading="上门走访")], "org_path": M1}
    for package, shown in (("grid_feedback_worker", True), ("data_supervisor", False)):
        answer = admin.post(f"/scenarios/{scenario_id}/edit/preview", json={**body, "package": package}).get_json()
        assert ("上门走访：5 天" in answer["html"]) is shown, package
