"""Staff open the published scenarios that reach their node and role package from the
workbench home; each scenario shows its blocks in order, a failing block as unavailable."""

from scenario_helpers import M1, M12, create, document, notes

from core.db import session_scope
from core.plugin_system.enablement import set_state
from core.state import state_of
from core.testing import signed_in_client

BROKEN = {"plugin": "fx_scenes", "block": "broken", "settings": {}}
FOR_WORKERS = {"published_to": [{"org_path": M1, "subtree": True}], "packages": ["grid_feedback_worker"]}


def published(admin, doc):
    scenario_id = create(admin, doc)
    assert admin.post(f"/api/v1/scenarios/{scenario_id}/publish", json={}).status_code == 200
    return scenario_id


def test_a_grid_worker_sees_the_scenario_on_the_workbench_and_its_blocks_in_order(admin, scenes_app, make_user):
    scenario_id = published(admin, document(notes(3, heading="第一"), BROKEN, notes(5, heading="第三"), **FOR_WORKERS))
    worker = signed_in_client(scenes_app, make_user("grid_feedback_worker", f"{M1}/g1"))
    home = worker.get("/").get_data(as_text=True)
    assert f'href="/scenarios/{scenario_id}"' in home and "高温关爱" in home
    page = worker.get(f"/scenarios/{scenario_id}").get_data(as_text=True)
    assert page.index("第一：3 天") < page.index("该功能块暂不可用") < page.index("第三：5 天")
    assert "预览" not in page


def test_the_workbench_keeps_showing_the_published_version_while_a_draft_changes(admin, scenes_app, make_user):
    scenario_id = published(admin, document(notes(3, heading="已发布"), **FOR_WORKERS))
    draft = document(notes(9, heading="草稿"), **FOR_WORKERS)
    admin.put(f"/api/v1/scenarios/{scenario_id}", json={"based_on": 1, "document": draft})
    worker = signed_in_client(scenes_app, make_user("grid_feedback_worker", f"{M1}/g1"))
    page = worker.get(f"/scenarios/{scenario_id}").get_data(as_text=True)
    assert "已发布：3 天" in page and "草稿" not in page
    assert "预览：第 2 版" in admin.get(f"/scenarios/{scenario_id}").get_data(as_text=True)


def test_staff_outside_the_nodes_or_packages_do_not_see_it(admin, scenes_app, make_user):
    scenario_id = published(admin, document(notes(3), **FOR_WORKERS))
    for package, path in (("grid_feedback_worker", f"{M12}/g10"), ("event_dispatcher", M1)):
        other = signed_in_client(scenes_app, make_user(package, path))
        assert f"/scenarios/{scenario_id}" not in other.get("/").get_data(as_text=True)
        assert other.get(f"/scenarios/{scenario_id}").status_code == 404


def test_without_subtree_only_the_node_itself_is_reached(admin, scenes_app, make_user):
    scenario_id = published(
        admin, document(notes(3), published_to=[{"org_path": M1}], packages=["grid_feedback_worker", "community_admin"])
    )
    at_grid = signed_in_client(scenes_app, make_user("grid_feedback_worker", f"{M1}/g1"))
    assert at_grid.get(f"/scenarios/{scenario_id}").status_code == 404
    assert "3 天" in admin.get(f"/scenarios/{scenario_id}").get_data(as_text=True)


def test_the_admin_list_page_creates_a_draft_and_lists_its_versions(admin):
    response = admin.post("/scenarios/", data={"title": "垃圾分类督导", "org_path": M1})
    assert response.status_code == 302
    listing = admin.get("/scenarios/").get_data(as_text=True)
    assert "垃圾分类督导" in listing and "第 1 版" in listing and "草稿" in listing
    refused = admin.post("/scenarios/", data={"title": "", "org_path": M1}, follow_redirects=True)
    assert "请填写标题" in refused.get_data(as_text=True)


def test_a_block_whose_plugin_is_switched_off_shows_why_and_comes_back(admin, scenes_app, make_user):
    scenario_id = published(admin, document(notes(3, heading="问候"), **FOR_WORKERS))
    worker = signed_in_client(scenes_app, make_user("grid_feedback_worker", f"{M1}/g1"))
    host = state_of(scenes_app).host
    with scenes_app.app_context(), session_scope(scenes_app) as db:
        set_state(db, host, "fx_scenes", M1, "disabled", actor="test")
    page = worker.get(f"/scenarios/{scenario_id}").get_data(as_text=True)
    assert "该功能块暂不可用：功能模块「测试场景块」未在本组织启用" in page and "问候：3 天" not in page
    with scenes_app.app_context(), session_scope(scenes_app) as db:
        set_state(db, host, "fx_scenes", M1, "enabled", actor="test")
    assert "问候：3 天" in worker.get(f"/scenarios/{scenario_id}").get_data(as_text=True)


def test_a_block_the_viewer_may_not_see_is_left_out_whole(admin, scenes_app, make_user):
    scenario_id = published(
        admin, document(notes(3, heading="问候"), published_to=[{"org_path": M1}], packages=["data_supervisor"])
    )
    supervisor = signed_in_client(scenes_app, make_user("data_supervisor", M1))  # lacks fx_scenes.view
    page = supervisor.get(f"/scenarios/{scenario_id}").get_data(as_text=True)
    assert "高温关爱" in page and "scenario-block" not in page.split("</style>")[-1]
