"""The audit trail page (审计日志): each auditor sees their own part of the trail, newest first."""

from datetime import datetime, timedelta, timezone

import pytest

CHINA = timezone(timedelta(hours=8))


def record_entries(app, *entries):
    """Append (action, org_path) entries to the real chain."""
    from core.audit.chain import record_audit
    from core.db import session_scope

    with app.app_context(), session_scope(app) as db:
        for action, org_path in entries:
            record_audit(
                db,
                action,
                actor="检查员",
                target=f"thing:{action}",
                org_path=org_path,
                detail={"说明": "测试"},
                ip="10.0.0.9",
            )


def seen_actions(client, query=""):
    response = client.get(f"/api/v1/audit{query}")
    assert response.status_code == 200, response.get_json()
    return [item["action"] for item in response.get_json()["items"]]


@pytest.fixture
def spread_entries(app, org_tree):
    record_entries(
        app,
        ("test.at_s1", "c1/s1"),
        ("test.at_s1_grid", "c1/s1/m1/g1"),
        ("test.at_s2", "c1/s2"),
        ("test.at_s10", "c1/s10"),
        ("test.nowhere", ""),
    )


def test_a_community_admin_may_not_read_the_audit_trail(client, login_as, org_tree):
    login_as("community_admin", "c1/s1/m1")
    assert client.get("/api/v1/audit").status_code == 403
    assert client.get("/audit").status_code == 403


def test_a_street_admin_sees_their_street_only(client, login_as, spread_entries):
    login_as("street_admin", "c1/s1")
    actions = seen_actions(client, "?action=test.")
    assert actions == ["test.at_s1_grid", "test.at_s1"]  # newest first; s2, s10 and "" hidden
    page = client.get("/audit?action=test.")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "审计日志" in html and "test.at_s1" in html and "test.at_s2" not in html
    assert "审计链校验" not in html  # verifying reads the whole chain: root auditors only


def test_a_county_data_supervisor_sees_everything_and_verifies_the_chain_on_demand(client, login_as, spread_entries):
    login_as("data_supervisor", "c1")
    assert seen_actions(client, "?action=test.") == [
        "test.nowhere",
        "test.at_s10",
        "test.at_s2",
        "test.at_s1_grid",
        "test.at_s1",
    ]
    html = client.get("/audit").get_data(as_text=True)
    assert "检查员" in html and "校验审计链" in html  # the button ...
    assert "审计链校验通过" not in html  # ... but no whole-chain pass on every page view
    verified = client.get("/audit?verify=1").get_data(as_text=True)
    assert "审计链校验通过" in verified and "检查员" in verified


def test_items_carry_the_whole_entry(client, login_as, spread_entries):
    login_as("data_supervisor", "c1")
    body = client.get("/api/v1/audit?action=test.at_s2").get_json()
    assert body["total"] == 1
    [item] = body["items"]
    assert set(item) == {"seq", "at", "actor", "action", "target", "org_path", "detail", "ip"}
    assert (item["actor"], item["target"], item["org_path"], item["detail"], item["ip"]) == (
        "检查员",
        "thing:test.at_s2",
        "c1/s2",
        {"说明": "测试"},
        "10.0.0.9",
    )
    assert item["at"].endswith("+00:00")


def test_filters_by_actor_and_china_date(client, login_as, spread_entries):
    login_as("data_supervisor", "c1")
    assert len(seen_actions(client, "?actor=检查员")) == 5
    today = datetime.now(CHINA).date()
    assert len(seen_actions(client, f"?actor=检查员&date_from={today}&date_to={today}")) == 5
    assert seen_actions(client, f"?actor=检查员&date_to={today - timedelta(days=1)}") == []
    assert seen_actions(client, f"?actor=检查员&date_from={today + timedelta(days=1)}") == []


def test_bad_filters_are_named(client, login_as, org_tree):
    login_as("data_supervisor", "c1")
    response = client.get("/api/v1/audit?date_from=2024-13-01")
    assert response.status_code == 422 and response.get_json()["pointer"] == "/date_from"
    assert "YYYY-MM-DD" in response.get_json()["detail"]
    assert client.get("/api/v1/audit?limit=1000").get_json()["pointer"] == "/limit"
    page = client.get("/audit?date_from=2024-05-02&date_to=2024-05-01")
    assert page.status_code == 422 and "开始日期不能晚于结束日期" in page.get_data(as_text=True)


def test_the_page_shows_fifty_entries_at_a_time(app, client, login_as, org_tree):
    record_entries(app, *[("test.bulk", "c1/s1") for _ in range(55)])
    login_as("street_admin", "c1/s1")
    first = client.get("/audit?action=test.bulk").get_data(as_text=True)
    second = client.get("/audit?action=test.bulk&page=2").get_data(as_text=True)
    assert first.count('class="item audit-entry') == 50 and second.count('class="item audit-entry') == 5
    assert "共 55 条记录" in first and "较早" in first
    api = client.get("/api/v1/audit?action=test.bulk&limit=20&offset=50").get_json()
    assert api["total"] == 55 and len(api["items"]) == 5


def test_a_tampered_chain_is_reported_at_the_top(app, client, login_as, spread_entries):
    from sqlalchemy import text

    from core.db import engine_of

    with engine_of(app).begin() as conn:  # what an attacker with database access would do
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER core_audit_entry_no_update"))
        else:
            conn.execute(text("DROP TRIGGER core_audit_entry_append_only ON core_audit_entry"))
        conn.execute(text("UPDATE core_audit_entry SET actor = '别人' WHERE action = 'test.at_s2'"))
    login_as("county_admin", "c1")
    html = client.get("/audit?verify=1").get_data(as_text=True)
    assert "审计链校验失败" in html and "被修改" in html


def test_a_repeated_verification_reuses_the_result_until_the_chain_grows(
    app, client, login_as, spread_entries, monkeypatch
):
    import core.web.audit

    passes = []
    real_verify = core.web.audit.verify
    monkeypatch.setattr(core.web.audit, "verify", lambda db: passes.append(1) or real_verify(db))
    login_as("data_supervisor", "c1")  # logging in appends to the chain, so verify afterwards
    for _ in range(3):
        assert "审计链校验通过" in client.get("/audit?verify=1").get_data(as_text=True)
    assert len(passes) == 1
    record_entries(app, ("test.later", "c1/s1"))
    assert "审计链校验通过" in client.get("/audit?verify=1").get_data(as_text=True)
    assert len(passes) == 2


TWO_COUNTIES = (("c2", None, "county", "乙县"), ("s9", "c2", "street", "乙街道"))


@pytest.fixture
def second_county(app, org_tree):
    from core.db import session_scope
    from core.testing import build_tree

    with app.app_context(), session_scope(app) as db:
        build_tree(db, TWO_COUNTIES)


def test_unplaced_entries_are_for_auditors_of_every_county_only(app, client, login_as, spread_entries, second_county):
    """An entry with no org path (a failed login under an unknown name) belongs to no county:
    one county's auditor must not read it, nor verify the whole chain."""
    record_entries(app, ("test.at_c2", "c2/s9"))
    auditor = login_as("data_supervisor", "c1")
    assert seen_actions(client, "?action=test.") == ["test.at_s10", "test.at_s2", "test.at_s1_grid", "test.at_s1"]
    page = client.get("/audit?verify=1").get_data(as_text=True)
    assert "校验审计链" not in page and "审计链校验" not in page
    from core.db import session_scope
    from core.permissions.store import grant_package

    with app.app_context(), session_scope(app) as db:
        grant_package(db, auditor.id, "data_supervisor", "c2")
    assert seen_actions(client, "?action=test.") == [
        "test.at_c2",
        "test.nowhere",
        "test.at_s10",
        "test.at_s2",
        "test.at_s1_grid",
        "test.at_s1",
    ]
    assert "审计链校验通过" in client.get("/audit?verify=1").get_data(as_text=True)


def test_one_countys_auditor_does_not_see_another_countys_failed_logins(
    app, client, login_as, make_user, second_county
):
    clerk = make_user("street_admin", "c2/s9", username="c2_clerk")
    assert client.login(clerk.username, "wrong-password-123").status_code != 302
    login_as("county_admin", "c1")
    items = client.get("/api/v1/audit?action=core.login_failed").get_json()["items"]
    assert not any(item["actor"] == "c2_clerk" or "c2_clerk" in str(item["detail"]) for item in items)


@pytest.mark.parametrize("query", ["offset=" + "9" * 5000, "limit=" + "9" * 30])
def test_huge_paging_numbers_are_named_not_a_crash(client, login_as, org_tree, query):
    login_as("data_supervisor", "c1")
    response = client.get(f"/api/v1/audit?{query}")
    assert response.status_code == 422 and response.get_json()["pointer"] == "/" + query.split("=")[0]
    assert client.get("/audit?page=" + "9" * 5000).status_code == 200


def test_a_street_auditor_sees_failed_logins_of_their_own_people(client, login_as, make_user, org_tree):
    make_user("community_admin", "c1/s1/m1", username="m1_admin")
    make_user("community_admin", "c1/s2/m2", username="m2_admin")
    for name in ("m1_admin", "m2_admin", "nobody_at_all"):
        assert client.login(name, "wrong-password-123").status_code != 302
    login_as("street_admin", "c1/s1")
    items = client.get("/api/v1/audit?action=core.login_failed").get_json()["items"]
    assert [(item["actor"], item["org_path"]) for item in items] == [("m1_admin", "c1/s1/m1")]
