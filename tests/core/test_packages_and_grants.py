"""Role packages and grants, as county, street and community admins meet them."""

import pytest

from core.testing import rows, signed_in_client


def audit_entries(app, action):
    return rows(app, "SELECT target, detail FROM core_audit_entry WHERE action = :action ORDER BY seq", action=action)


def grant_rows(app, user_id):
    return rows(
        app, "SELECT id, v1, v2 FROM core_casbin_rule WHERE ptype = 'g' AND v0 = :subject", subject=f"u:{user_id}"
    )


@pytest.fixture
def county_admin(org_tree, login_as):
    return login_as("county_admin", "c1")


WATCHER = {
    "name": "watcher",
    "title_zh": "巡查员",
    "title_en": "Watcher",
    "description": "只看不改",
    "permissions": ["core.org_read", "core.user_read"],
}


# ------------------------------------------------------------------ packages


def test_county_admin_composes_edits_and_deletes_a_package(app, client, county_admin):
    created = client.post("/api/v1/role-packages", json=WATCHER)
    assert created.status_code == 201, created.get_json()
    listed = {p["name"]: p for p in client.get("/api/v1/role-packages").get_json()["items"]}
    assert listed["watcher"]["permissions"] == ["core.org_read", "core.user_read"]
    assert listed["watcher"]["builtin"] is False and listed["watcher"]["grant_count"] == 0
    assert listed["county_admin"]["grant_count"] == 1

    edited = client.put(
        "/api/v1/role-packages/watcher",
        json={"title_zh": "巡查员（新）", "permissions": ["core.org_read", "core.audit_read"]},
    )
    assert edited.status_code == 200
    assert edited.get_json()["permissions"] == ["core.audit_read", "core.org_read"]
    assert client.get("/api/v1/role-packages/watcher").get_json()["title_zh"] == "巡查员（新）"
    [(_, detail)] = audit_entries(app, "core.package_updated")
    assert "core.audit_read" in str(detail) and "core.user_read" in str(detail)

    assert client.delete("/api/v1/role-packages/watcher").status_code == 204
    assert client.get("/api/v1/role-packages/watcher").status_code == 404
    assert rows(app, "SELECT count(*) FROM core_casbin_rule WHERE v0 = 'pkg:watcher'")[0][0] == 0
    assert len(audit_entries(app, "core.package_created")) == len(audit_entries(app, "core.package_deleted")) == 1


def test_unknown_permission_is_named_by_its_position(app, client, county_admin):
    response = client.post("/api/v1/role-packages", json={**WATCHER, "permissions": ["core.org_read", "nope.fly"]})
    assert response.status_code == 422
    assert response.get_json()["pointer"] == "/permissions/1" and "第 2 项" in response.get_json()["detail"]
    assert "nope.fly" not in response.get_json()["detail"]
    assert client.get("/api/v1/role-packages/watcher").status_code == 404


def test_taken_name_and_bad_name_are_refused(client, county_admin):
    assert (
        client.post("/api/v1/role-packages", json={**WATCHER, "name": "street_admin"}).get_json()["pointer"] == "/name"
    )
    bad = client.post("/api/v1/role-packages", json={**WATCHER, "name": "Bad Name"})
    assert bad.status_code == 422 and bad.get_json()["pointer"] == "/name"


def test_street_admin_cannot_create_packages(app, client, org_tree, login_as):
    login_as("street_admin", "c1/s1")
    response = client.post("/api/v1/role-packages", json=WATCHER)
    assert response.status_code == 403 and "权限" in response.get_json()["detail"]
    assert client.get("/api/v1/role-packages/watcher").status_code == 404


def test_package_writer_below_the_root_cannot_edit_global_packages(app, client, org_tree, make_user, login_as):
    admin = signed_in_client(app, make_user("county_admin", "c1"))
    admin.post(
        "/api/v1/role-packages",
        json={
            "name": "pkg_editor",
            "title_zh": "角色包编辑",
            "permissions": ["core.package_read", "core.package_write"],
        },
    )
    login_as("pkg_editor", "c1/s1")
    response = client.post("/api/v1/role-packages", json=WATCHER)
    assert response.status_code == 403 and "根节点" in response.get_json()["detail"]
    assert audit_entries(app, "core.permission_denied")


def test_nobody_adds_a_permission_they_do_not_hold(app, client, org_tree, make_user, login_as):
    admin = signed_in_client(app, make_user("county_admin", "c1"))
    admin.post(
        "/api/v1/role-packages",
        json={
            "name": "pkg_editor",
            "title_zh": "角色包编辑",
            "permissions": ["core.package_read", "core.package_write"],
        },
    )
    login_as("pkg_editor", "c1")
    response = client.post(
        "/api/v1/role-packages", json={**WATCHER, "permissions": ["core.package_read", "core.audit_read"]}
    )
    assert response.status_code == 403 and "“查看审计日志”" in response.get_json()["detail"]
    assert response.get_json()["permission"] == "core.audit_read"
    assert client.get("/api/v1/role-packages/watcher").status_code == 404


@pytest.fixture
def second_county(app, org_tree, make_user):
    """A second county, c2, with its own county admin (packages are shared by both)."""
    from core.db import session_scope
    from core.testing import build_tree

    with app.app_context(), session_scope(app) as db:
        build_tree(db, (("c2", None, "county", "乙县"), ("s9", "c2", "street", "乙街道")))
    return make_user("county_admin", "c2", username="admin_c2")


def test_one_countys_admin_cannot_reshape_the_packages_another_county_uses(app, client, login_as, second_county):
    login_as("county_admin", "c1")
    stripped = client.put(
        "/api/v1/role-packages/county_admin", json={"title_zh": "县级管理员", "permissions": ["core.org_read"]}
    )
    assert stripped.status_code == 403 and "每一个县/区" in stripped.get_json()["detail"]
    assert client.post("/api/v1/role-packages", json=WATCHER).status_code == 403
    assert client.delete("/api/v1/role-packages/watcher").status_code == 403  # refused before "not found"
    assert "core.user_write" in client.get("/api/v1/role-packages/county_admin").get_json()["permissions"]
    assert len(audit_entries(app, "core.permission_denied")) >= 3
    assert audit_entries(app, "core.package_updated") == [] and audit_entries(app, "core.package_created") == []
    page = client.get("/packages").get_data(as_text=True)
    assert "新建角色包" not in page
    assert signed_in_client(app, second_county).get("/api/v1/users").status_code == 200  # c2's admin keeps their powers


def test_an_admin_of_every_county_may_edit_packages(app, client, login_as, second_county):
    from core.db import session_scope
    from core.permissions.store import grant_package

    admin = login_as("county_admin", "c1")
    with app.app_context(), session_scope(app) as db:
        grant_package(db, admin.id, "county_admin", "c2")
    assert client.post("/api/v1/role-packages", json=WATCHER).status_code == 201
    edited = client.put("/api/v1/role-packages/watcher", json={"title_zh": "巡查员", "permissions": ["core.org_read"]})
    assert edited.status_code == 200 and edited.get_json()["permissions"] == ["core.org_read"]
    assert client.delete("/api/v1/role-packages/watcher").status_code == 204


def test_builtin_package_can_be_edited_but_not_deleted(client, county_admin):
    response = client.delete("/api/v1/role-packages/grid_feedback_worker")
    assert response.status_code == 409 and "内置" in response.get_json()["detail"]
    edited = client.put(
        "/api/v1/role-packages/grid_feedback_worker",
        json={"title_zh": "网格员", "permissions": ["core.org_read", "core.user_read"]},
    )
    assert edited.status_code == 200 and edited.get_json()["builtin"] is True


def test_a_granted_package_cannot_be_deleted(client, county_admin, make_user):
    client.post("/api/v1/role-packages", json=WATCHER)
    user = make_user(None, "c1/s1")
    client.post("/api/v1/grants", json={"user_id": user.id, "package": "watcher", "org_path": "c1/s1"})
    response = client.delete("/api/v1/role-packages/watcher")
    assert response.status_code == 409 and "收回" in response.get_json()["detail"]
    assert client.get("/api/v1/role-packages/watcher").status_code == 200


# ------------------------------------------------------------------ grants


def test_county_admin_grants_a_package(app, client, county_admin, make_user):
    user = make_user(None, "c1/s1/m1")
    response = client.post(
        "/api/v1/grants", json={"user_id": user.id, "package": "community_admin", "org_path": "c1/s1/m1"}
    )
    assert response.status_code == 201
    grant = response.get_json()
    assert grant["username"] == user.username and grant["package_title"] == "社区管理员"
    assert grant["org_name"] == "幸福社区"
    assert grant_rows(app, user.id) == [(grant["id"], "pkg:community_admin", "c1/s1/m1")]
    assert audit_entries(app, "core.grant_created")[0][0] == f"grant:{grant['id']}"
    listed = client.get(f"/api/v1/grants?user_id={user.id}").get_json()
    assert [g["id"] for g in listed["items"]] == [grant["id"]]


def test_bad_grant_shapes_are_named(client, county_admin):
    response = client.post("/api/v1/grants", json={"user_id": "x", "package": "community_admin", "org_path": "c1"})
    assert response.status_code == 422 and response.get_json()["pointer"] == "/user_id"
    missing = client.post("/api/v1/grants", json={"user_id": 1, "org_path": "c1"})
    assert missing.status_code == 422 and missing.get_json()["pointer"] == "/package"


@pytest.mark.parametrize(
    "field,value",
    [("user_id", 10**20), ("user_id", 2**31), ("user_id", 0), ("org_path", "c1/s1\n"), ("org_path", "c1/S1")],
)
def test_out_of_range_grant_fields_are_named_not_a_crash(app, client, county_admin, make_user, field, value):
    user = make_user(None, "c1/s1")
    body = {"user_id": user.id, "package": "grid_feedback_worker", "org_path": "c1/s1", field: value}
    response = client.post("/api/v1/grants", json=body)
    assert response.status_code == 422 and response.get_json()["pointer"] == f"/{field}"
    assert grant_rows(app, user.id) == []


@pytest.mark.parametrize("query", ["offset=" + "9" * 30, "user_id=" + "9" * 20, "limit=" + "9" * 5000])
def test_huge_numbers_in_the_grant_list_query_are_named(client, county_admin, query):
    response = client.get(f"/api/v1/grants?{query}")
    assert response.status_code == 422 and response.get_json()["pointer"] == "/" + query.split("=")[0]


def test_granting_outside_my_scope_is_not_found(app, client, org_tree, login_as, make_user):
    login_as("street_admin", "c1/s1")
    user = make_user(None, "c1/s1/m1")
    response = client.post(
        "/api/v1/grants", json={"user_id": user.id, "package": "grid_feedback_worker", "org_path": "c1/s2/m2"}
    )
    assert response.status_code == 404 and response.get_json()["pointer"] == "/org_path"
    stranger = make_user(None, "c1/s2")
    hidden = client.post(
        "/api/v1/grants", json={"user_id": stranger.id, "package": "grid_feedback_worker", "org_path": "c1/s1/m1"}
    )
    assert hidden.status_code == 404 and hidden.get_json()["pointer"] == "/user_id"
    assert grant_rows(app, user.id) == grant_rows(app, stranger.id) == []


def test_community_admin_cannot_grant_county_admin_at_home(app, client, org_tree, login_as, make_user):
    login_as("community_admin", "c1/s1/m1")
    user = make_user(None, "c1/s1/m1")
    response = client.post(
        "/api/v1/grants", json={"user_id": user.id, "package": "county_admin", "org_path": "c1/s1/m1"}
    )
    assert response.status_code == 403
    detail = response.get_json()["detail"]
    assert "您在该节点没有" in detail and "core." not in detail  # the permission by its title
    assert response.get_json()["permission"] in ("core.package_write", "core.audit_read", "core.alert_issue")
    assert grant_rows(app, user.id) == []
    assert audit_entries(app, "core.grant_created") == []
    assert audit_entries(app, "core.permission_denied")


def test_granting_twice_returns_the_same_grant(app, client, county_admin, make_user):
    user = make_user(None, "c1/s2")
    body = {"user_id": user.id, "package": "event_dispatcher", "org_path": "c1/s2"}
    first, second = client.post("/api/v1/grants", json=body), client.post("/api/v1/grants", json=body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["id"] == second.get_json()["id"]
    assert len(grant_rows(app, user.id)) == 1 and len(audit_entries(app, "core.grant_created")) == 1


def test_revoked_user_loses_access_at_once(app, client, county_admin, make_user):
    user = make_user("community_admin", "c1/s1/m1")
    theirs = signed_in_client(app, user)
    assert theirs.get("/api/v1/grants").status_code == 200
    [(grant_id, _, _)] = grant_rows(app, user.id)
    assert client.delete(f"/api/v1/grants/{grant_id}").status_code == 204
    assert theirs.get("/api/v1/grants").status_code == 403
    assert grant_rows(app, user.id) == [] and audit_entries(app, "core.grant_revoked")


def test_street_admin_does_not_see_grants_of_the_next_street(app, client, org_tree, login_as, make_user):
    neighbour = make_user("community_admin", "c1/s2/m2")
    me = login_as("street_admin", "c1/s1")
    listed = client.get("/api/v1/grants").get_json()
    assert [g["username"] for g in listed["items"]] == [me.username]
    assert client.get("/api/v1/grants?org_path=c1/s2").get_json()["total"] == 0
    [(grant_id, _, _)] = grant_rows(app, neighbour.id)
    assert client.get(f"/api/v1/grants/{grant_id}").status_code == 404
    assert client.delete(f"/api/v1/grants/{grant_id}").status_code == 404
    assert client.post(f"/grants/{grant_id}/revoke").status_code == 404
    assert len(grant_rows(app, neighbour.id)) == 1
    assert neighbour.username not in client.get("/grants").get_data(as_text=True)


def test_community_admin_cannot_revoke_a_supervisor_placed_over_them(app, client, org_tree, login_as, make_user):
    supervisor = make_user("data_supervisor", "c1/s1/m1")
    login_as("community_admin", "c1/s1/m1")
    [(grant_id, _, _)] = grant_rows(app, supervisor.id)
    response = client.delete(f"/api/v1/grants/{grant_id}")
    assert response.status_code == 403 and response.get_json()["permission"] == "core.audit_read"
    page = client.post(f"/grants/{grant_id}/revoke")
    assert page.status_code == 403 and "“查看审计日志”" in page.get_data(as_text=True)
    assert len(grant_rows(app, supervisor.id)) == 1
    # Each refusal is in the trail exactly once, naming the permission that was missing.
    denials = [detail for _target, detail in audit_entries(app, "core.permission_denied")]
    assert len(denials) == 2 and all("core.audit_read" in str(detail) for detail in denials)


# ------------------------------------------------------------------ pages


def test_pages_speak_chinese_to_a_county_admin(client, county_admin):
    packages = client.get("/packages").get_data(as_text=True)
    assert "角色包" in packages and "新建角色包" in packages and "查看组织架构" in packages and "平台核心" in packages
    grants = client.get("/grants").get_data(as_text=True)
    assert "授权管理" in grants and "新增授权" in grants and "示范县" in grants and county_admin.username in grants


def test_composer_form_creates_a_package(app, client, county_admin):
    response = client.post(
        "/packages",
        data={
            "name": "patrol",
            "title_zh": "巡逻员",
            "title_en": "",
            "description": "",
            "permissions": ["core.org_read", "core.user_read"],
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "角色包“巡逻员”已创建。" in page
    assert client.get("/api/v1/role-packages/patrol").get_json()["permissions"] == ["core.org_read", "core.user_read"]


def test_an_admin_types_only_the_title_and_the_identifier_is_made_from_it(client, county_admin):
    for _ in range(2):  # the second 巡逻员 gets the next free identifier, not a refusal
        form = {"title_zh": "巡逻员", "permissions": ["core.org_read"]}
        assert client.post("/packages", data=form).status_code == 302
    assert client.get("/api/v1/role-packages/xun_luo_yuan").get_json()["title_zh"] == "巡逻员"
    assert client.get("/api/v1/role-packages/xun_luo_yuan_2").get_json()["permissions"] == ["core.org_read"]
    made = client.post("/api/v1/role-packages", json={"title_zh": "河长（街道）", "permissions": []})
    assert made.status_code == 201 and made.get_json()["name"] == "he_zhang_jie_dao"


def test_the_packages_page_groups_a_plugins_permissions_under_its_title(client, county_admin):
    page = client.get("/packages").get_data(as_text=True)
    assert "<legend>居民信息采集</legend>" in page and "<legend>resident_info</legend>" not in page


def test_composer_form_shows_errors_and_stores_nothing(client, county_admin):
    response = client.post("/packages", data={"name": "patrol", "title_zh": "巡逻员", "permissions": ["nope.fly"]})
    assert (
        response.status_code == 422
        and "权限不存在" in response.get_data(as_text=True)
        and "nope.fly" not in response.get_data(as_text=True)
    )
    assert client.get("/api/v1/role-packages/patrol").status_code == 404


def test_grant_form_grants_and_revoke_button_revokes(app, client, county_admin, make_user):
    user = make_user(None, "c1/s1")
    response = client.post("/grants", data={"user_id": str(user.id), "package": "street_admin", "org_path": "c1/s1"})
    assert response.status_code == 302
    assert "已将“街道管理员”授予" in client.get("/grants").get_data(as_text=True)
    [(grant_id, _, _)] = grant_rows(app, user.id)
    assert client.post(f"/grants/{grant_id}/revoke").status_code == 302
    assert grant_rows(app, user.id) == []
