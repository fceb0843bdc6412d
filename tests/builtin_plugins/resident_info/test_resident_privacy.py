"""Masking and sensitive data: ID numbers and phones are masked everywhere unless a holder
of resident_info.read_sensitive asks for one resident in full (audited, once per view);
health and disability tags only reach holders of resident_info.read_health."""

from resident_helpers import RESIDENTS, audit_of, make_id, masked_id, register

from core.testing import GridworkClient, rows

ID_NUMBER = make_id("19520318", "425")


def registered_by_the_community(client, login_as, **overrides):
    login_as("community_admin", "c1/s1/m1")
    created = register(
        client,
        id_number=ID_NUMBER,
        phone="13912345678",
        tags=[{"tag": "残疾", "level": 2}, {"tag": "低保"}],
        **overrides,
    )
    client.logout()
    return created


def test_a_grid_worker_sees_the_id_and_phone_masked_and_cannot_reveal_them(app, client, login_as, enabled):
    created = registered_by_the_community(client, login_as)
    login_as("grid_feedback_worker", "c1/s1/m1/g1")

    listed = client.get(RESIDENTS).get_json()["items"][0]
    shown = client.get(f"{RESIDENTS}/{created['id']}").get_json()
    refused = client.get(f"{RESIDENTS}/{created['id']}?reveal=1")

    assert (listed["id_number"], listed["phone"]) == (masked_id(ID_NUMBER), "139****5678")
    assert shown["id_number"] == listed["id_number"] and shown["masked"] is True
    assert refused.status_code == 403 and ID_NUMBER not in refused.get_data(as_text=True)
    assert audit_of(app, "resident_info.sensitive_viewed") == []
    assert rows(app, "SELECT count(*) FROM core_audit_entry WHERE action = 'core.permission_denied'")[0][0] == 1


def test_a_supervisor_with_the_permission_sees_it_in_full_and_the_view_is_audited_once(app, client, login_as, enabled):
    created = registered_by_the_community(client, login_as)
    supervisor = login_as("data_supervisor", "c1")

    assert client.get(RESIDENTS).get_json()["items"][0]["id_number"].count("*") == 16  # lists stay masked
    assert client.get(f"{RESIDENTS}/{created['id']}").get_json()["masked"] is True
    full = client.get(f"{RESIDENTS}/{created['id']}?reveal=1").get_json()

    assert (full["id_number"], full["phone"], full["masked"]) == (ID_NUMBER, "13912345678", False)
    entries = audit_of(app, "resident_info.sensitive_viewed")
    assert entries == [
        (
            supervisor.username,
            f"resident_info_resident:{created['id']}",
            {"resident_id": created["id"], "fields": ["id_number", "phone"]},
        )
    ]
    trail = rows(app, "SELECT target, detail FROM core_audit_entry")
    assert not any(ID_NUMBER in str(row) or "13912345678" in str(row) for row in trail)


def test_a_supervisor_reads_but_does_not_write(client, login_as, enabled):
    created = registered_by_the_community(client, login_as)
    login_as("data_supervisor", "c1")
    assert client.patch(f"{RESIDENTS}/{created['id']}", json={"version": 1, "room": "1"}).status_code == 403


def test_health_tags_are_hidden_from_readers_without_read_health(client, login_as, enabled):
    created = registered_by_the_community(client, login_as)
    login_as("grid_feedback_worker", "c1/s1/m1/g1")

    assert client.get(f"{RESIDENTS}/{created['id']}").get_json()["tags"] == [{"tag": "低保"}]
    assert client.get(RESIDENTS).get_json()["items"][0]["tags"] == [{"tag": "低保"}]
    assert client.get(f"{RESIDENTS}?tag=残疾").get_json()["total"] == 0  # the filter is no side door
    history = client.get(f"{RESIDENTS}/{created['id']}/history").get_data(as_text=True)
    assert "残疾" not in history and "低保" in history
    client.logout()
    login_as("data_supervisor", "c1")
    assert client.get(f"{RESIDENTS}?tag=残疾").get_json()["total"] == 1
    assert {"tag": "残疾", "level": 2, "sensitive": True} in client.get(f"{RESIDENTS}/{created['id']}").get_json()[
        "tags"
    ]


def test_saving_the_visible_tags_keeps_the_hidden_ones_and_adding_a_health_tag_is_refused(client, login_as, enabled):
    created = registered_by_the_community(client, login_as)
    url = f"{RESIDENTS}/{created['id']}"
    login_as("grid_feedback_worker", "c1/s1/m1/g1")

    saved = client.patch(url, json={"version": 1, "tags": [{"tag": "低保"}, {"tag": "独居老人"}]})
    refused = client.patch(url, json={"version": 2, "tags": [{"tag": "低保"}, {"tag": "残疾", "level": 1}]})

    assert saved.status_code == 200 and saved.get_json()["tags"] == [{"tag": "低保"}, {"tag": "独居老人"}]
    assert refused.status_code == 403 and refused.get_json()["pointer"] == "/tags"
    client.logout()
    login_as("community_admin", "c1/s1/m1")
    tags = client.get(url).get_json()["tags"]
    assert {"tag": "残疾", "level": 2, "sensitive": True} in tags and {"tag": "独居老人"} in tags


def test_the_reveal_button_is_a_csrf_protected_post_that_writes_one_audit_entry(app, client, login_as, enabled):
    created = registered_by_the_community(client, login_as)
    login_as("community_admin", "c1/s1/m1")
    page = f"/resident_info/residents/{created['id']}"
    assert "显示完整信息" in client.get(page).get_data(as_text=True)
    assert ID_NUMBER not in client.get(page).get_data(as_text=True)

    reason = {"reason": "核对材料"}
    assert client.post(f"{page}/reveal", data=reason, csrf=False).status_code == 403  # no CSRF token: refused
    shown = client.post(f"{page}/reveal", data=reason, follow_redirects=True)

    assert shown.status_code == 200
    assert ID_NUMBER in shown.get_data(as_text=True) and "已记入审计日志" in shown.get_data(as_text=True)
    assert len(audit_of(app, "resident_info.sensitive_viewed")) == 1


def test_the_reveal_button_is_not_offered_without_the_permission(app, client, login_as, enabled, make_user):
    created = registered_by_the_community(client, login_as)
    worker = GridworkClient(app.test_client())
    worker.login(make_user("grid_feedback_worker", "c1/s1/m1/g1").username)
    page = worker.get(f"/resident_info/residents/{created['id']}").get_data(as_text=True)
    assert "显示完整信息" not in page and "139****5678" in page
    assert worker.post(f"/resident_info/residents/{created['id']}/reveal").status_code == 403
