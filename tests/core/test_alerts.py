"""Alerts (issue 11 §4): a street or county admin issues one from a page; plugins hear
``core.alert_issued`` and ``core.alert_lifted`` (lifted by hand or at its deadline); every
workbench in the area shows it; bad input is refused naming the field, storing nothing."""

from datetime import timedelta

from core.testing import published_events, rows, run_due_jobs, signed_in_client

S1, M1, M2 = "c1/s1", "c1/s1/m1", "c1/s2/m2"
HEAT = {"kind": "heat", "org_path": S1, "message": "明日最高气温 39℃\n请电话问候独居老人"}


def banner(client):
    """The alert banners on ``client``'s workbench (flash messages left out)."""
    page = client.get("/").get_data(as_text=True)
    return page.split('class="alert-banner"', 1)[1].split("</div>", 1)[0] if 'class="alert-banner"' in page else ""


def issue(client, **changes):
    return client.post("/alerts", data={**HEAT, **changes})


def test_a_street_admin_issues_a_heat_alert_that_every_workbench_below_shows(app, org_tree, make_user, clock):
    admin = signed_in_client(app, make_user("street_admin", S1))
    assert issue(admin).status_code == 302
    [event] = published_events(app, "core.alert_issued")
    assert event["org_path"] == S1 and event["payload"]["kind"] == "heat"
    assert event["payload"]["ends_at"] == (clock.now() + timedelta(hours=24)).isoformat()

    grid_worker = signed_in_client(app, make_user("grid_feedback_worker", "c1/s1/m1/g1"))
    county = signed_in_client(app, make_user("county_admin", "c1"))
    elsewhere = signed_in_client(app, make_user("grid_feedback_worker", "c1/s2/m2/g2"))
    home = banner(grid_worker)
    assert "高温预警" in home and "东湖街道" in home and "至 2026-12-04 09:00" in home
    assert "请电话问候独居老人" in home
    assert "高温预警" in banner(county)
    assert banner(elsewhere) == ""
    assert [item["kind_title"] for item in grid_worker.get("/api/v1/alerts").get_json()["items"]] == ["高温"]


def test_lifting_ends_it_and_tells_the_plugins(app, org_tree, make_user):
    admin = signed_in_client(app, make_user("street_admin", S1))
    issue(admin)
    [alert_id] = [row.id for row in rows(app, "SELECT id FROM core_alert")]
    assert admin.post(f"/alerts/{alert_id}/lift").status_code == 302
    [lifted] = published_events(app, "core.alert_lifted")
    assert lifted["payload"] == {"alert_id": alert_id, "kind": "heat", "area": S1, "reason": "lifted"}
    assert banner(admin) == ""


def test_an_alert_lapses_at_its_deadline(app, org_tree, make_user, clock):
    admin = signed_in_client(app, make_user("street_admin", S1))
    issue(admin, ends_at=(clock.local() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    clock.advance(hours=3, minutes=1)
    assert banner(admin) == ""
    run_due_jobs(app)
    run_due_jobs(app)
    [lifted] = published_events(app, "core.alert_lifted")
    assert lifted["payload"]["reason"] == "expired"


def test_a_community_admin_cannot_issue(app, org_tree, make_user):
    admin = signed_in_client(app, make_user("community_admin", M1))
    assert "预警发布" not in admin.get("/").get_data(as_text=True)
    assert issue(admin, org_path=M1).status_code == 403
    assert rows(app, "SELECT count(*) FROM core_alert") == [(0,)]


def test_bad_input_names_the_field_and_stores_nothing(app, org_tree, make_user, clock):
    admin = signed_in_client(app, make_user("street_admin", S1))
    cases = [
        ({"message": "  "}, "请填写预警内容"),
        ({"kind": "tsunami"}, "请选择预警类型"),
        ({"org_path": M2}, "管辖范围内"),  # another street
        ({"ends_at": clock.local().strftime("%Y-%m-%dT%H:%M")}, "截止时间"),
        ({"ends_at": "明天"}, "时间格式不正确"),
    ]
    for changes, message in cases:
        response = issue(admin, **changes)
        assert response.status_code == 422 and message in response.get_data(as_text=True), changes
    assert rows(app, "SELECT count(*) FROM core_alert") == [(0,)]
    assert published_events(app, "core.alert_issued") == []


def test_the_api_issues_and_lifts(app, org_tree, make_user):
    admin = signed_in_client(app, make_user("county_admin", "c1"))
    created = admin.post("/api/v1/alerts", json={"kind": "typhoon", "org_path": "c1", "message": "台风“海葵”登陆"})
    assert created.status_code == 201 and created.get_json()["item"]["area"] == "示范县"
    naive = admin.post("/api/v1/alerts", json={**HEAT, "ends_at": "2026-12-04T10:00:00"})
    assert naive.status_code == 422 and naive.get_json()["pointer"] == "/ends_at"
    alert_id = created.get_json()["item"]["id"]
    lifted = admin.post(f"/api/v1/alerts/{alert_id}/lift")
    assert lifted.status_code == 200 and lifted.get_json()["item"]["in_force"] is False
