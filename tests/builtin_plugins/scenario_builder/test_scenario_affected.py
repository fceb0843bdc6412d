"""#14 item 8, "the builder lists the affected scenarios": when a module is switched off,
forbidden, frozen or retired at a scenario's node, /scenarios warns on that scenario with the
module's name and the reason; the module's lifecycle page lists the scenarios placing it, linked,
before the step is confirmed; the workbench names the same reason on the block."""

import pytest
from scenario_helpers import M1, M12, create, document, notes

from core.db import session_scope
from core.lifecycle import service as lifecycle
from core.plugin_system.enablement import set_state
from core.state import state_of
from core.testing import signed_in_client

FOR_WORKERS = {"published_to": [{"org_path": M1, "subtree": True}], "packages": ["grid_feedback_worker"]}


def switch(app, state, at=M1):
    with app.app_context(), session_scope(app) as db:
        set_state(db, state_of(app).host, "fx_scenes", at, state, actor="test")


def step(app, name, at=M1):
    with app.app_context(), session_scope(app) as db:
        getattr(lifecycle, name)(db, "fx_scenes", at, "test")
        db.commit()


def warnings_on_the_list(admin):
    page = admin.get("/scenarios/").get_data(as_text=True)
    return page[page.index("我管理的场景") :]


def test_a_scenario_whose_module_is_switched_on_has_no_warning(admin):
    create(admin, document(notes(3)))
    assert "暂不可用" not in warnings_on_the_list(admin)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda app: switch(app, "disabled"), "未在本组织启用"),
        (lambda app: switch(app, "forbidden"), "已被上级禁止使用"),
        (lambda app: step(app, "freeze"), "已在本组织冻结（只读，不能新增或修改）"),
        (lambda app: (step(app, "freeze"), step(app, "retire")), "已在本组织下线（数据保留）"),
    ],
)
def test_the_list_warns_on_each_affected_scenario_with_the_module_and_the_reason(scenes_app, make_user, change, words):
    street = signed_in_client(scenes_app, make_user("street_admin", "c1/s1"))
    affected = create(street, document(notes(3), title="高温关爱"))
    elsewhere = create(street, document(notes(3), title="另一个社区的场景"), org_path=M12)
    change(scenes_app)
    listing = warnings_on_the_list(street)
    warning = f"功能模块「测试场景块」{words}：场景中它的功能块暂不可用"
    mine = listing[listing.index(f"/scenarios/{affected}") : listing.index(f"/scenarios/{elsewhere}")]
    assert warning in mine
    assert "暂不可用" not in listing[listing.index(f"/scenarios/{elsewhere}") :]  # m12 keeps the module
    assert "fx_scenes" not in listing and M1 not in listing  # names, never codes


def test_the_workbench_block_names_the_same_reason(scenes_app, admin, make_user):
    scenario_id = create(admin, document(notes(3), **FOR_WORKERS))
    assert admin.post(f"/api/v1/scenarios/{scenario_id}/publish", json={}).status_code == 200
    switch(scenes_app, "forbidden", at="c1")
    worker = signed_in_client(scenes_app, make_user("grid_feedback_worker", f"{M1}/g1"))
    page = worker.get(f"/scenarios/{scenario_id}").get_data(as_text=True)
    assert "该功能块暂不可用：功能模块「测试场景块」已被上级禁止使用" in page


def test_the_lifecycle_page_lists_the_affected_scenarios_linked_before_the_step(scenes_app, admin, make_user):
    scenario_id = create(admin, document(notes(3), **FOR_WORKERS))
    assert admin.post(f"/api/v1/scenarios/{scenario_id}/publish", json={}).status_code == 200
    county = signed_in_client(scenes_app, make_user("county_admin", "c1"))
    page = county.get("/modules/fx_scenes/lifecycle/m1").get_data(as_text=True)
    assert f'<a href="/scenarios/{scenario_id}">高温关爱</a>' in page
    assert page.index(f"/scenarios/{scenario_id}") < page.rindex("冻结")  # listed above the step's button
    impact = county.get("/api/v1/modules/fx_scenes/lifecycle/m1").get_json()["impact"]
    assert impact["scenarios_placed"] == [
        {"id": str(scenario_id), "title": "高温关爱", "url": f"/scenarios/{scenario_id}"}
    ]
