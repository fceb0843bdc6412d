"""Accounts and sessions, as a user and an attacker would meet them."""

import pytest
from sqlalchemy import text

from core.testing import TEST_PASSWORD


def audit_actions(app):
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT action FROM core_audit_entry ORDER BY seq"))]


def test_login_page_speaks_chinese(client):
    page = client.get("/login").get_data(as_text=True)
    assert "登录" in page and "用户名" in page and "密码" in page


def test_login_then_home_shows_my_role(client, make_user, org_tree):
    user = make_user("community_admin", "c1/s1/m1")
    response = client.login(user.username)
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    # The role's title and the place's names, never the package code or the path.
    assert "社区管理员" in home and "东湖街道 › 幸福社区" in home
    assert "community_admin" not in home and "c1/s1/m1" not in home


def test_wrong_password_and_unknown_user_get_the_same_answer(client, make_user, app):
    user = make_user("community_admin", "c1")
    wrong = client.login(user.username, "not-the-password")
    unknown = client.login("nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码不正确" in wrong.get_data(as_text=True)
    assert "用户名或密码不正确" in unknown.get_data(as_text=True)
    assert audit_actions(app).count("core.login_failed") == 2


def test_login_rotates_the_session_cookie(client, make_user):
    user = make_user("community_admin", "c1")
    client.get("/login")
    before = client.raw.get_cookie("session").value
    client.login(user.username)
    after = client.raw.get_cookie("session").value
    assert before != after


def test_a_cookie_planted_before_login_is_useless_after(app, make_user):
    """Session fixation: an attacker's pre-login cookie must not become a logged-in session."""
    from core.testing import GridworkClient

    attacker = GridworkClient(app.test_client())
    attacker.get("/login")
    planted = attacker.raw.get_cookie("session").value
    victim = GridworkClient(app.test_client())
    victim.raw.set_cookie("session", planted)
    victim.login(make_user("community_admin", "c1").username)
    assert attacker.get("/api/v1/me").status_code == 401


def test_logout_kills_the_session_even_if_the_cookie_is_replayed(client, make_user):
    user = make_user("community_admin", "c1")
    client.login(user.username)
    stolen = client.raw.get_cookie("session").value
    assert client.logout().status_code == 302
    client.raw.set_cookie("session", stolen)
    assert client.get("/api/v1/me").status_code == 401


def test_disabling_a_user_ends_live_sessions(app, client, make_user):
    from core.auth.models import User
    from core.db import session_scope

    user = make_user("community_admin", "c1")
    client.login(user.username)
    assert client.get("/api/v1/me").status_code == 200
    with app.app_context(), session_scope(app) as db:
        row = db.get(User, user.id, execution_options={"gridwork_unscoped": "test"})
        row.is_active = False
        db.add(row)
    assert client.get("/api/v1/me").status_code == 401
    assert client.login(user.username).status_code == 401


def test_repeated_failures_are_throttled_and_audited(app, client, make_user):
    user = make_user("community_admin", "c1")
    for _ in range(app.config["LOGIN_THROTTLE_MAX_FAILURES"]):
        assert client.login(user.username, "wrong-password!").status_code == 401
    # Even the right password is refused during the cool-down.
    refused = client.login(user.username, TEST_PASSWORD)
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.get_data(as_text=True)
    assert "core.login_throttled" in audit_actions(app)


def test_token_endpoint_is_throttled_too(app, client, make_user):
    user = make_user("community_admin", "c1")
    body = {"username": user.username, "password": "wrong-password!"}
    for _ in range(app.config["LOGIN_THROTTLE_MAX_FAILURES"]):
        assert client.post("/api/v1/auth/token", json=body).status_code == 401
    response = client.post("/api/v1/auth/token", json={**body, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "Retry-After" in response.headers


def test_state_change_without_csrf_token_is_refused(client, make_user):
    user = make_user("community_admin", "c1")
    client.login(user.username)
    response = client.post("/api/v1/tokens", json={"name": "x"}, csrf=False)
    assert response.status_code == 403
    assert "CSRF" in response.get_json()["detail"]
    logout = client.post("/logout", csrf=False)
    assert logout.status_code == 403
    assert client.get("/api/v1/me").status_code == 200  # still logged in


def test_login_form_without_csrf_token_is_refused(client, make_user):
    user = make_user("community_admin", "c1")
    response = client.post("/login", data={"username": user.username, "password": TEST_PASSWORD}, csrf=False)
    assert response.status_code == 403


def test_api_token_works_until_revoked(client, make_user, app):
    user = make_user("community_admin", "c1/s1")
    issued = client.post("/api/v1/auth/token", json={"username": user.username, "password": TEST_PASSWORD})
    assert issued.status_code == 201
    token = issued.get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/me", headers=bearer)
    assert me.status_code == 200 and me.get_json()["via"] == "token"
    assert me.get_json()["grants"] == [{"package": "community_admin", "org_path": "c1/s1"}]
    token_id = issued.get_json()["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=bearer).status_code == 204
    refused = client.get("/api/v1/me", headers=bearer)
    assert refused.status_code == 401
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert {"core.token_created", "core.token_revoked"} <= set(audit_actions(app))


def test_tokens_are_stored_hashed(client, make_user, app):
    from core.db import engine_of

    user = make_user("community_admin", "c1")
    token = client.post("/api/v1/auth/token", json={"username": user.username, "password": TEST_PASSWORD}).get_json()[
        "token"
    ]
    secret = token.split(".", 1)[1]
    with engine_of(app).connect() as conn:
        stored = conn.execute(text("SELECT secret_hash FROM core_api_token")).scalar_one()
    assert secret not in stored and len(stored) == 64


def test_a_bad_bearer_token_is_not_rescued_by_a_cookie(client, make_user):
    user = make_user("community_admin", "c1")
    client.login(user.username)
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer gw_nope.nope"})
    assert response.status_code == 401


def test_password_change_ends_other_sessions(app, make_user):
    from core.testing import GridworkClient

    user = make_user("community_admin", "c1")
    phone, laptop = GridworkClient(app.test_client()), GridworkClient(app.test_client())
    phone.login(user.username)
    laptop.login(user.username)
    new_password = "a-much-better-passphrase"
    changed = laptop.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "new_password": new_password, "confirm_password": new_password},
    )
    assert changed.status_code == 302
    assert laptop.get("/api/v1/me").status_code == 200
    assert phone.get("/api/v1/me").status_code == 401
    assert laptop.login(user.username, new_password).status_code == 302


def test_weak_new_password_is_refused_with_a_reason(client, make_user):
    user = make_user("community_admin", "c1")
    client.login(user.username)
    response = client.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "new_password": "short", "confirm_password": "short"},
    )
    assert response.status_code == 422
    assert "至少需要 12 个字符" in response.get_data(as_text=True)


def test_session_cookie_flags(app, make_user):
    from core.app import create_app

    user = make_user("community_admin", "c1")
    secure_app = create_app({**app.config, "SESSION_COOKIE_SECURE": True})
    client = secure_app.test_client()
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        base_url="https://localhost",
        data={"username": user.username, "password": TEST_PASSWORD, "csrf_token": token},
        headers={"Referer": "https://localhost/login"},
    )
    cookie = response.headers["Set-Cookie"]
    from core.db import engine_of

    engine_of(secure_app).dispose()
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_limited_token_cannot_mint_a_broader_one(client, make_user):
    user = make_user("county_admin", "c1")
    client.login(user.username)
    limited = client.post("/api/v1/tokens", json={"name": "只读", "scopes": ["core.org_read"]}).get_json()["token"]
    client.logout()
    bearer = {"Authorization": f"Bearer {limited}"}
    assert client.get("/api/v1/users", headers=bearer).status_code == 403
    minted = client.post("/api/v1/tokens", json={"name": "escalated"}, headers=bearer)
    assert minted.status_code == 403 and "令牌" in minted.get_json()["detail"]


@pytest.mark.parametrize("name", ["", "   "])
def test_a_token_needs_a_name_people_can_read(client, make_user, app, name):
    user = make_user("community_admin", "c1")
    issued = client.post(
        "/api/v1/auth/token", json={"username": user.username, "password": TEST_PASSWORD, "name": name}
    )
    client.login(user.username)
    created = client.post("/api/v1/tokens", json={"name": name})

    assert (issued.status_code, created.status_code) == (422, 422)
    assert issued.get_json()["pointer"] == created.get_json()["pointer"] == "/name"
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM core_api_token")).scalar_one() == 0


def test_token_scopes_must_be_real_permissions(client, login_as):
    login_as("county_admin", "c1")
    response = client.post("/api/v1/tokens", json={"name": "x", "scopes": ["core.org_read", "core.org_raed"]})
    assert response.status_code == 422 and response.get_json()["pointer"] == "/scopes/1"


def test_a_new_password_ends_every_token(client, make_user):
    user = make_user("community_admin", "c1")
    token = client.post("/api/v1/auth/token", json={"username": user.username, "password": TEST_PASSWORD}).get_json()[
        "token"
    ]
    client.login(user.username)
    new_password = "a-much-better-passphrase"
    client.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "new_password": new_password, "confirm_password": new_password},
    )
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_parallel_password_guesses_cannot_slip_under_the_limit(app, make_user):
    """Each attempt is counted and committed before the password is checked."""
    from concurrent.futures import ThreadPoolExecutor

    from core.testing import GridworkClient

    user = make_user("community_admin", "c1")

    def guess(_):
        client = GridworkClient(app.test_client())
        return client.post(
            "/api/v1/auth/token", json={"username": user.username, "password": "wrong-guess!!"}
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(guess, range(16)))
    assert statuses.count(401) <= app.config["LOGIN_THROTTLE_MAX_FAILURES"]
    assert statuses.count(429) >= 16 - app.config["LOGIN_THROTTLE_MAX_FAILURES"]


def test_failed_logins_of_a_known_account_are_audited_at_its_node(app, client, make_user):
    user = make_user("community_admin", "c1/s1/m1")
    client.login(user.username, "wrong-password!")
    with app.app_context():
        from core.db import engine_of

        with engine_of(app).connect() as conn:
            path = conn.execute(
                text("SELECT org_path FROM core_audit_entry WHERE action = 'core.login_failed'")
            ).scalar_one()
    assert path == "c1/s1/m1"
