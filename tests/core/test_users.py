"""Account management (账号管理), as an administrator — and a nosy neighbour — would meet it."""

import json

import pytest
from sqlalchemy import text

from core.testing import TEST_PASSWORD, GridworkClient

NEW_PASSWORD = "a-fresh-long-passphrase"


def audit_rows(app, action):
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        rows = conn.execute(
            text("SELECT actor, target, org_path, detail FROM core_audit_entry WHERE action = :action ORDER BY seq"),
            {"action": action},
        ).all()
    # SQLite hands the JSON column back as text, PostgreSQL as a dict.
    return [
        (actor, target, path, json.loads(detail) if isinstance(detail, str) else detail)
        for actor, target, path, detail in rows
    ]


def all_audit_text(app):
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        return " ".join(str(row) for row in conn.execute(text("SELECT * FROM core_audit_entry")).all())


def stored_usernames(app):
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        return {row[0] for row in conn.execute(text("SELECT username FROM core_user"))}


def new_account(**overrides):
    return {
        "username": "wang.wu",
        "display_name": "王五",
        "password": NEW_PASSWORD,
        "org_path": "c1/s1/m1",
        **overrides,
    }


@pytest.fixture
def county_admin(login_as, org_tree):
    return login_as("county_admin", "c1")


@pytest.fixture
def second_client(app):
    return GridworkClient(app.test_client())


# ------------------------------------------------------------------ creating


def test_county_admin_creates_an_account_that_can_log_in(app, client, county_admin, second_client):
    response = client.post("/api/v1/users", json=new_account())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["username"] == "wang.wu" and body["org_name"] == "幸福社区" and body["is_active"] is True
    assert body["grants"] == [] and "password_hash" not in body and body["created_at"].endswith("+00:00")
    assert response.headers["Location"].endswith(f"/api/v1/users/{body['id']}")
    assert second_client.login("wang.wu", NEW_PASSWORD).status_code == 302
    [(actor, target, org_path, _detail)] = audit_rows(app, "core.user_created")
    assert (actor, target, org_path) == (county_admin.username, f"user:{body['id']}", "c1/s1/m1")
    assert NEW_PASSWORD not in all_audit_text(app) and "scrypt" not in all_audit_text(app)


def test_a_taken_username_is_a_conflict_even_in_other_letter_case(app, client, county_admin):
    assert client.post("/api/v1/users", json=new_account()).status_code == 201
    for name in ("wang.wu", "Wang.Wu"):
        response = client.post("/api/v1/users", json=new_account(username=name))
        assert response.status_code == 409
        assert response.get_json()["pointer"] == "/username" and "已被使用" in response.get_json()["detail"]
    assert len(audit_rows(app, "core.user_created")) == 1


def test_a_weak_password_is_refused_in_chinese_and_nothing_is_stored(app, client, county_admin):
    response = client.post("/api/v1/users", json=new_account(password="short"))
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.get_json()["pointer"] == "/password" and "至少需要 12 个字符" in response.get_json()["detail"]
    assert "wang.wu" not in stored_usernames(app) and audit_rows(app, "core.user_created") == []


@pytest.mark.parametrize(
    "field,value,pointer",
    [
        ("username", "a b", "/username"),
        ("username", "ab", "/username"),
        ("display_name", "  ", "/display_name"),
        ("org_path", "c1/nowhere", "/org_path"),
        ("extra", 1, "/"),
    ],
)
def test_bad_fields_are_named(app, client, county_admin, field, value, pointer):
    response = client.post("/api/v1/users", json=new_account(**{field: value}))
    assert response.status_code == 422 and response.get_json()["pointer"] == pointer
    assert "wang.wu" not in stored_usernames(app)


# ------------------------------------------------------------------ data scope


def test_a_street_admin_cannot_see_or_change_an_account_of_the_next_street(app, client, login_as, make_user, org_tree):
    """Outside the scope is 404 for reads and writes. Creating an account at a node outside
    the scope is 422 on /org_path, with the same words as for a node that does not exist."""
    neighbour = make_user("community_admin", "c1/s2/m2")
    login_as("street_admin", "c1/s1")
    assert client.get(f"/api/v1/users/{neighbour.id}").status_code == 404
    assert client.patch(f"/api/v1/users/{neighbour.id}", json={"is_active": False}).status_code == 404
    assert client.post(f"/api/v1/users/{neighbour.id}/password", json={"password": NEW_PASSWORD}).status_code == 404
    assert client.get(f"/users/{neighbour.id}").status_code == 404
    assert client.get("/api/v1/users/99999999999").status_code == 404  # not a database error
    assert neighbour.username not in [u["username"] for u in client.get("/api/v1/users").get_json()["items"]]
    refused = client.post("/api/v1/users", json=new_account(org_path="c1/s2/m2"))
    assert refused.status_code == 422 and refused.get_json()["pointer"] == "/org_path"
    assert (
        refused.get_json()["detail"]
        == client.post("/api/v1/users", json=new_account(org_path="c1/s9")).get_json()["detail"]
    )
    assert "wang.wu" not in stored_usernames(app)
    assert second_login_works(app, neighbour.username)


def second_login_works(app, username):
    return GridworkClient(app.test_client()).login(username).status_code == 302


def test_the_list_is_scoped_filtered_and_counted(client, login_as, make_user, org_tree):
    in_m1 = make_user("community_admin", "c1/s1/m1", username="zhang.m1")
    in_m12 = make_user("community_admin", "c1/s1/m12", username="zhang.m12")
    make_user("community_admin", "c1/s2/m2", username="zhang.m2")
    login_as("street_admin", "c1/s1")
    everyone = client.get("/api/v1/users?q=ZHANG").get_json()
    assert sorted(u["username"] for u in everyone["items"]) == ["zhang.m1", "zhang.m12"] and everyone["total"] == 2
    subtree = client.get("/api/v1/users?org_path=c1/s1/m1").get_json()
    assert [u["id"] for u in subtree["items"]] == [in_m1.id]  # m12 only shares a prefix
    paged = client.get("/api/v1/users?q=zhang&limit=1&offset=1").get_json()
    assert [u["id"] for u in paged["items"]] == [in_m12.id] and paged["total"] == 2
    assert client.get("/api/v1/users?q=测试用户").get_json()["total"] == 3  # display names too (incl. the admin)
    too_many = client.get("/api/v1/users?limit=500")
    assert too_many.status_code == 422 and too_many.get_json()["pointer"] == "/limit"


def test_grants_outside_my_grant_scope_are_hidden(app, client, login_as, make_user, org_tree):
    from core.db import session_scope
    from core.permissions.store import grant_package

    worker = make_user("grid_feedback_worker", "c1/s1/m1")
    with app.app_context(), session_scope(app) as db:
        grant_package(db, worker.id, "event_dispatcher", "c1/s2")
    login_as("street_admin", "c1/s1")
    shown = client.get(f"/api/v1/users/{worker.id}").get_json()["grants"]
    assert [(g["package"], g["org_path"]) for g in shown] == [("grid_feedback_worker", "c1/s1/m1")]


def test_a_street_admin_cannot_take_over_an_account_with_wider_grants(app, client, login_as, make_user, org_tree):
    """A county admin homed in the street still outranks the street admin."""
    boss = make_user("county_admin", "c1/s1")
    with app.app_context():
        from core.db import session_scope
        from core.permissions.store import grant_package

        with session_scope(app) as db:
            grant_package(db, boss.id, "county_admin", "c1")
    login_as("street_admin", "c1/s1")
    response = client.post(f"/api/v1/users/{boss.id}/password", json={"password": NEW_PASSWORD})
    assert response.status_code == 403 and "上级管理员" in response.get_json()["detail"]
    assert second_login_works(app, boss.username)


def test_a_community_admin_cannot_take_over_the_supervisor_placed_at_their_community(
    app, client, login_as, make_user, org_tree
):
    """Resetting a password is logging in as that person: the community admin lacks the
    supervisor's audit rights, so they may neither reset, disable nor edit that account."""
    supervisor = make_user("data_supervisor", "c1/s1/m1", username="sup_m1")
    login_as("community_admin", "c1/s1/m1")
    reset = client.post(f"/api/v1/users/{supervisor.id}/password", json={"password": NEW_PASSWORD})
    assert reset.status_code == 403 and reset.headers["Content-Type"] == "application/problem+json"
    assert "数据监督员" in reset.get_json()["detail"] and "core.audit_read" not in reset.get_json()["detail"]
    assert reset.get_json()["permission"] == "core.audit_read"  # the code for admins, beside the sentence
    for changes in ({"is_active": False}, {"display_name": "冒名"}, {"org_path": "c1/s1/m1/g1"}):
        refused = client.patch(f"/api/v1/users/{supervisor.id}", json=changes)
        assert refused.status_code == 403 and refused.get_json()["permission"] == "core.audit_read"
    assert audit_rows(app, "core.user_password_reset") == [] and audit_rows(app, "core.user_updated") == []
    assert audit_rows(app, "core.user_disabled") == []
    denials = audit_rows(app, "core.permission_denied")  # each refusal once, naming what was missing
    assert len(denials) == 4 and all(detail["permission"] == "core.audit_read" for *_rest, detail in denials)
    other = GridworkClient(app.test_client())
    assert other.login("sup_m1", NEW_PASSWORD).status_code == 401
    assert other.login("sup_m1").status_code == 302  # the old password still works: nothing changed
    assert other.get("/api/v1/me").get_json()["display_name"] == "测试用户"


def test_the_detail_page_offers_no_forms_for_an_account_that_outranks_me(app, client, login_as, make_user, org_tree):
    supervisor = make_user("data_supervisor", "c1/s1/m1")
    login_as("community_admin", "c1/s1/m1")
    page = client.get(f"/users/{supervisor.id}").get_data(as_text=True)
    assert "“查看审计日志”权限" in page and "core.audit_read" not in page  # by its title, never its code
    assert "在“东湖街道 › 幸福社区”持有" in page and "重置密码" not in page and "修改账号" not in page
    refused = client.post(
        f"/users/{supervisor.id}/password", data={"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert refused.status_code == 403 and "“查看审计日志”" in refused.get_data(as_text=True)
    disabled = client.post(f"/users/{supervisor.id}", data={"display_name": "x", "org_path": "c1/s1/m1"})
    assert disabled.status_code == 403
    assert [detail["permission"] for *_rest, detail in audit_rows(app, "core.permission_denied")] == [
        "core.audit_read"
    ] * 2
    assert second_login_works(app, supervisor.username)


def test_admins_still_manage_accounts_that_hold_no_more_than_they_do(app, client, login_as, make_user, org_tree):
    worker = make_user("grid_feedback_worker", "c1/s1/m1/g1")
    peer = make_user("community_admin", "c1/s1/m1")
    login_as("community_admin", "c1/s1/m1")
    assert client.post(f"/api/v1/users/{worker.id}/password", json={"password": NEW_PASSWORD}).status_code == 204
    assert client.patch(f"/api/v1/users/{peer.id}", json={"display_name": "同事"}).status_code == 200
    client.logout()
    login_as("street_admin", "c1/s1")
    supervisor = make_user("data_supervisor", "c1/s1/m1")  # the street admin also holds audit_read here
    assert client.patch(f"/api/v1/users/{supervisor.id}", json={"is_active": False}).status_code == 200


def test_an_admin_changes_their_own_password_on_the_account_page_not_through_the_reset(app, client, login_as, org_tree):
    me = login_as("community_admin", "c1/s1/m1")
    response = client.post(f"/api/v1/users/{me.id}/password", json={"password": NEW_PASSWORD})
    assert response.status_code == 422 and response.get_json()["pointer"] == "/password"
    assert "/account/password" in response.get_json()["detail"]
    page = client.get(f"/users/{me.id}").get_data(as_text=True)
    assert "重置密码" not in page and "/account/password" in page
    assert audit_rows(app, "core.user_password_reset") == []
    assert second_login_works(app, me.username)  # the password did not change


@pytest.mark.parametrize("query", ["offset=" + "9" * 30, "offset=" + "9" * 5000, "limit=" + "9" * 5000])
def test_huge_paging_numbers_are_named_not_a_crash(client, county_admin, query):
    response = client.get(f"/api/v1/users?{query}")
    assert response.status_code == 422 and response.get_json()["pointer"] == "/" + query.split("=")[0]
    assert client.get("/users?page=" + "9" * 5000).status_code == 200


# ------------------------------------------------------------------ changing


def test_disabling_an_account_ends_its_browser_session_and_api_token(
    app, client, county_admin, make_user, second_client
):
    worker = make_user("community_admin", "c1/s1/m1")
    second_client.login(worker.username)
    token = second_client.post(
        "/api/v1/auth/token", json={"username": worker.username, "password": TEST_PASSWORD}
    ).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert second_client.get("/api/v1/me").status_code == 200
    assert second_client.get("/api/v1/me", headers=bearer).status_code == 200
    response = client.patch(f"/api/v1/users/{worker.id}", json={"is_active": False})
    assert response.status_code == 200 and response.get_json()["is_active"] is False
    assert second_client.get("/api/v1/me").status_code == 401
    assert second_client.get("/api/v1/me", headers=bearer).status_code == 401
    [(_actor, _target, _path, detail)] = audit_rows(app, "core.user_disabled")
    assert detail["tokens_revoked"] == 1
    # Enabling again lets them log in, but the old token stays dead.
    assert client.patch(f"/api/v1/users/{worker.id}", json={"is_active": True}).status_code == 200
    assert len(audit_rows(app, "core.user_enabled")) == 1
    assert second_client.get("/api/v1/me", headers=bearer).status_code == 401
    assert second_client.login(worker.username).status_code == 302


def test_an_admin_cannot_disable_themselves(client, county_admin):
    response = client.patch(f"/api/v1/users/{county_admin.id}", json={"is_active": False})
    assert response.status_code == 422 and response.get_json()["pointer"] == "/is_active"
    assert "不能停用自己" in response.get_json()["detail"]
    assert client.get("/api/v1/me").status_code == 200


def test_an_edit_is_audited_with_old_and_new_values(app, client, county_admin, make_user):
    worker = make_user("grid_feedback_worker", "c1/s1/m1")
    response = client.patch(f"/api/v1/users/{worker.id}", json={"display_name": "李四", "org_path": "c1/s2/m2"})
    assert response.status_code == 200
    assert (response.get_json()["display_name"], response.get_json()["org_name"]) == ("李四", "青山村")
    [(_actor, target, org_path, detail)] = audit_rows(app, "core.user_updated")
    assert (target, org_path) == (f"user:{worker.id}", "c1/s2/m2")
    assert detail["changes"] == {
        "display_name": {"old": "测试用户", "new": "李四"},
        "org_path": {"old": "c1/s1/m1", "new": "c1/s2/m2"},
    }
    nowhere = client.patch(f"/api/v1/users/{worker.id}", json={"org_path": "c2"})
    assert nowhere.status_code == 422 and nowhere.get_json()["pointer"] == "/org_path"


def test_an_admin_password_reset_ends_sessions_and_retires_the_old_password(
    app, client, county_admin, make_user, second_client
):
    worker = make_user("community_admin", "c1/s1/m1")
    second_client.login(worker.username)
    weak = client.post(f"/api/v1/users/{worker.id}/password", json={"password": worker.username + "-123456"})
    assert weak.status_code == 422 and weak.get_json()["pointer"] == "/password"
    assert second_client.get("/api/v1/me").status_code == 200  # a refused reset changes nothing
    assert client.post(f"/api/v1/users/{worker.id}/password", json={"password": NEW_PASSWORD}).status_code == 204
    assert second_client.get("/api/v1/me").status_code == 401
    assert second_client.login(worker.username, TEST_PASSWORD).status_code == 401
    assert second_client.login(worker.username, NEW_PASSWORD).status_code == 302
    assert len(audit_rows(app, "core.user_password_reset")) == 1
    assert NEW_PASSWORD not in all_audit_text(app)


# ------------------------------------------------------------------ pages


def test_the_accounts_page_speaks_chinese_and_lists_only_my_street(client, login_as, make_user, org_tree):
    make_user("community_admin", "c1/s1/m12", username="mine")
    make_user("community_admin", "c1/s2/m2", username="theirs")
    login_as("street_admin", "c1/s1")
    page = client.get("/users").get_data(as_text=True)
    assert "账号管理" in page and "新建账号" in page and "和平社区" in page
    assert "mine" in page and "theirs" not in page
    assert "没有符合条件的账号" in client.get("/users?q=theirs").get_data(as_text=True)


def test_the_new_account_form_explains_errors_and_stores_nothing(app, client, county_admin):
    form = {**new_account(password="short"), "confirm_password": "short"}
    refused = client.post("/users/new", data=form)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "至少需要 12 个字符" in page and 'value="wang.wu"' in page  # the form keeps what was typed
    assert "wang.wu" not in stored_usernames(app)
    mismatch = client.post("/users/new", data={**new_account(), "confirm_password": "something-else-entirely"})
    assert mismatch.status_code == 422 and "两次输入的密码不一致" in mismatch.get_data(as_text=True)
    created = client.post("/users/new", data={**new_account(), "confirm_password": NEW_PASSWORD})
    assert created.status_code == 302 and "wang.wu" in stored_usernames(app)
    assert "王五" in client.get(created.headers["Location"]).get_data(as_text=True)


def test_the_detail_page_edits_disables_and_resets(app, client, county_admin, make_user, second_client):
    worker = make_user("community_admin", "c1/s1/m1")
    second_client.login(worker.username)
    page = client.get(f"/users/{worker.id}").get_data(as_text=True)
    assert "修改账号" in page and "重置密码" in page and "幸福社区" in page
    saved = client.post(f"/users/{worker.id}", data={"display_name": "赵六", "org_path": "c1/s1/m1", "is_active": "1"})
    assert saved.status_code == 302 and len(audit_rows(app, "core.user_updated")) == 1
    bad = client.post(f"/users/{worker.id}/password", data={"password": NEW_PASSWORD, "confirm_password": "x"})
    assert bad.status_code == 422 and "两次输入的密码不一致" in bad.get_data(as_text=True)
    assert second_client.get("/api/v1/me").status_code == 200
    disabled = client.post(f"/users/{worker.id}", data={"display_name": "赵六", "org_path": "c1/s1/m1"})
    assert disabled.status_code == 302 and "已停用" in client.get(f"/users/{worker.id}").get_data(as_text=True)
    assert second_client.get("/api/v1/me").status_code == 401


def test_a_reader_without_write_rights_sees_no_forms(client, login_as, make_user, org_tree):
    worker = make_user("grid_feedback_worker", "c1/s1/m1")
    login_as("data_supervisor", "c1")
    page = client.get(f"/users/{worker.id}").get_data(as_text=True)
    assert "幸福社区" in page and "重置密码" not in page
    assert client.post(f"/users/{worker.id}", data={"display_name": "x"}).status_code == 403
    assert client.get("/users/new").status_code == 403


def test_the_account_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/users"]) == {"get", "post"}
    assert set(paths["/api/v1/users/{user_id}"]) == {"get", "patch"}
    assert paths["/api/v1/users/{user_id}/password"]["post"]["summary"] == "管理员重置账号密码"
    assert "get" in paths["/api/v1/audit"]


def test_a_long_account_list_pages_and_keeps_its_filter(app, client, login_as, org_tree, monkeypatch):
    from core.users import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    login_as("county_admin", "c1")
    for number in range(4):
        client.post(
            "/api/v1/users",
            json={
                "username": f"pager_{number}",
                "display_name": "翻页测试",
                "password": "a-long-enough-passphrase",
                "org_path": "c1/s1",
            },
        )
    first = client.get("/users?q=pager_").get_data(as_text=True)
    assert "第 1 / 2 页" in first and "下一页" in first and "上一页" not in first
    assert 'href="/users?page=2&amp;q=pager_"' in first  # the filter survives paging
    second = client.get("/users?q=pager_&page=2").get_data(as_text=True)
    assert "第 2 / 2 页" in second and "上一页" in second
