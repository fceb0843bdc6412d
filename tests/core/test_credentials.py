"""Credentials that really end, and an audit trail that keeps no typed secret (outside probe,
issue 9 §3): every path that ends an account's credentials ends its API tokens too; a
password typed into the name field is not stored; CSRF refusals and raced grants are audited
exactly once; user names differing only in case cannot both exist."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from core.db import engine_of
from core.testing import TEST_PASSWORD, GridworkClient

NEW_PASSWORD = "a-fresh-long-passphrase"


def audit(app, action):
    with engine_of(app).connect() as conn:
        rows = conn.execute(
            text("SELECT actor, detail FROM core_audit_entry WHERE action = :a ORDER BY seq"), {"a": action}
        ).all()
    return [(actor, json.loads(detail) if isinstance(detail, str) else detail) for actor, detail in rows]


def token_of(app, username, password=TEST_PASSWORD):
    answer = GridworkClient(app.test_client()).post(
        "/api/v1/auth/token", json={"username": username, "password": password}
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["token"]


def works(app, token):
    client = app.test_client()
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.fixture
def county_admin(client, login_as, org_tree):
    return login_as("county_admin", "c1")


def test_an_admin_password_reset_ends_the_accounts_api_tokens(app, client, county_admin, make_user):
    worker = make_user("community_admin", "c1/s1/m1")
    token = token_of(app, worker.username)
    assert works(app, token)
    reset = client.post(f"/api/v1/users/{worker.id}/password", json={"password": NEW_PASSWORD})
    assert reset.status_code == 204
    assert not works(app, token)
    ((_actor, detail),) = audit(app, "core.user_password_reset")
    assert detail["tokens_revoked"] == 1


def test_disabling_an_account_ends_its_tokens(app, client, county_admin, make_user):
    worker = make_user("community_admin", "c1/s1/m1")
    token = token_of(app, worker.username)
    assert client.patch(f"/api/v1/users/{worker.id}", json={"is_active": False}).status_code == 200
    assert not works(app, token)


def test_changing_ones_own_password_ends_tokens_and_other_sessions_but_keeps_this_one(app, make_user):
    user = make_user("community_admin", "c1")
    token = token_of(app, user.username)
    here, elsewhere = GridworkClient(app.test_client()), GridworkClient(app.test_client())
    here.login(user.username)
    elsewhere.login(user.username)
    changed = here.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert changed.status_code in (200, 302)
    assert not works(app, token)
    assert elsewhere.get("/api/v1/me").status_code == 401
    assert here.get("/api/v1/me").status_code == 200


def test_a_password_typed_as_the_user_name_is_not_kept_in_the_audit_trail(app, client, make_user):
    make_user("community_admin", "c1", username="li.lei")
    typed = "my-Secret-passw0rd"
    client.login(typed, "whatever-was-typed")
    client.login(typed, "another-try")
    with engine_of(app).connect() as conn:
        everything = " ".join(str(row) for row in conn.execute(text("SELECT * FROM core_audit_entry")).all())
        attempts = " ".join(str(row) for row in conn.execute(text("SELECT * FROM core_login_attempt")).all())
    assert typed not in everything and typed.lower() not in everything
    assert typed.lower() not in attempts
    failed = audit(app, "core.login_failed")
    assert len(failed) == 2 and failed[0][0] == failed[1][0]  # the same typed text correlates
    assert failed[0][0].startswith("未知账号#")
    client.login("li.lei", "wrong-password!")
    assert audit(app, "core.login_failed")[-1][0] == "li.lei"  # a known account keeps its name


def test_a_csrf_refusal_is_audited_like_every_403(app, client, make_user):
    user = make_user("community_admin", "c1")
    client.login(user.username)
    refused = client.post("/api/v1/tokens", json={"name": "x"}, csrf=False)
    assert refused.status_code == 403 and "CSRF" in refused.get_json()["detail"]
    denials = audit(app, "core.permission_denied")
    assert len(denials) == 1 and denials[0][0] == user.username
    page = client.post("/logout", csrf=False)
    assert page.status_code == 403 and "刷新页面" in page.get_data(as_text=True)
    assert len(audit(app, "core.permission_denied")) == 2


def test_twenty_parallel_identical_grants_are_created_and_audited_once(app, client, county_admin, make_user):
    worker = make_user(None, "c1/s1/m1")
    bearer = {"Authorization": f"Bearer {token_of(app, county_admin.username)}"}

    def grant(_):
        return (
            app.test_client()
            .post(
                "/api/v1/grants",
                headers=bearer,
                json={"user_id": worker.id, "package": "grid_feedback_worker", "org_path": "c1/s1/m1"},
            )
            .status_code
        )

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(grant, range(20)))
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {200, 201}
    assert len(audit(app, "core.grant_created")) == 1


def test_user_names_differing_only_in_case_cannot_both_exist(app, client, county_admin):
    first = client.post(
        "/api/v1/users",
        json={"username": "wang.wu", "display_name": "王五", "password": NEW_PASSWORD, "org_path": "c1/s1/m1"},
    )
    assert first.status_code == 201
    second = client.post(
        "/api/v1/users",
        json={"username": "Wang.Wu", "display_name": "王五", "password": NEW_PASSWORD, "org_path": "c1/s1/m1"},
    )
    assert second.status_code == 409 and second.get_json()["pointer"] == "/username"
    # The database itself refuses, so parallel creations cannot both pass the service's check.
    with pytest.raises(IntegrityError), engine_of(app).begin() as conn:
        conn.execute(
            text(
                "INSERT INTO core_user (username, display_name, password_hash, org_path, is_active, "
                "created_at, password_changed_at) VALUES ('WANG.WU', '', 'x', 'c1', true, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
