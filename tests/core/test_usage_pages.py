"""The county admin's slimming list (page, exports, API) built from real metered requests,
rolled up by the nightly job; the rating control on plugin pages."""

from datetime import datetime

from core.testing import run_due_jobs
from tests.core.usage_support import RESIDENTS, bearer, enable_residents

PERIOD = "start=2026-11-01&end=2026-12-03"


def _use_residents(app, client, make_user, clock, times=3):
    enable_residents(app)
    clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=clock.zone))
    headers = bearer(app, make_user("community_admin", "c1/s1/m1"))
    for _ in range(times):
        assert client.get(f"{RESIDENTS}?org_path=c1/s1/m1", headers=headers).status_code == 200
    clock.set(datetime(2026, 12, 3, 2, 45, tzinfo=clock.zone))
    assert run_due_jobs(app)["core.usage_rollup"] == "done"


def test_the_county_admin_reads_the_slimming_list(app, client, org_tree, make_user, login_as, clock):
    _use_residents(app, client, make_user, clock)
    login_as("county_admin", "c1")
    page = client.get(f"/usage/slimming?{PERIOD}").get_data(as_text=True)
    assert "系统瘦身清单 · 示范县" in page and "居民信息采集" in page
    assert "在 3 个社区启用，1 个在用" in page
    assert "放置该模块功能块的已发布治理场景" in page and "得分 = " in page
    assert 'id="time-quadrants"' in page
    data = client.get(f"/api/v1/modules/usage?{PERIOD}").get_json()
    residents = next(m for m in data["modules"] if m["plugin"] == "resident_info")
    assert (residents["actions"], residents["users"], residents["used_nodes"]) == (3, 1, 1)
    listing = client.get(f"/api/v1/modules/slimming?{PERIOD}").get_json()
    assert listing["modules"][0]["advice"] in {"keep", "improve", "merge", "retire"}
    csv = client.get(f"/usage/slimming.csv?{PERIOD}")
    assert csv.status_code == 200 and "居民信息采集" in csv.get_data().decode("utf-8-sig")
    assert client.get(f"/usage/slimming.xlsx?{PERIOD}").data[:2] == b"PK"


def test_a_bad_period_names_the_field(app, client, org_tree, login_as):
    login_as("county_admin", "c1")
    response = client.get("/api/v1/modules/slimming?start=2026-12-01&end=2026-01-01")
    assert response.status_code == 422 and response.get_json()["pointer"] == "/end"
    assert "2026-01-01" not in response.get_json()["detail"]


def test_a_street_admin_cannot_read_another_street(app, client, org_tree, login_as):
    login_as("street_admin", "c1/s1")
    assert client.get("/api/v1/modules/slimming?org_path=c1/s2").status_code == 404
    assert client.get("/api/v1/modules/slimming?org_path=c1/s1").status_code == 200


def test_a_plugin_page_carries_the_rating_control_and_a_bad_rating_is_followed_up(
    app, client, org_tree, make_user, login_as, clock, sign_in
):
    enable_residents(app)
    worker = login_as("community_admin", "c1/s1/m1")
    page = client.get("/resident_info/").get_data(as_text=True)
    assert "评价此功能" in page and "这个功能不好用" in page
    assert "评价此功能" not in client.get("/inbox").get_data(as_text=True), "core pages rate no module"
    answer = client.post("/api/v1/modules/resident_info/ratings", json={"stars": 2, "comment": "导入太慢"})
    assert answer.status_code == 201
    rating = answer.get_json()["item"]
    assert rating["followup"] == "open" and rating["reply_due"] > rating["created_at"]
    again = client.post("/api/v1/modules/resident_info/ratings", json={"stars": 1}).get_json()["item"]
    assert again["id"] == rating["id"], "one rating per user, module and month: the latest counts"
    assert client.post(f"/api/v1/modules/ratings/{rating['id']}/second", json={"stars": 4}).status_code == 409
    admin = sign_in(app, "community_admin", "c1/s1/m1")
    assert "差评待回复" in admin.get("/inbox").get_data(as_text=True)
    replied = admin.post(f"/api/v1/modules/ratings/{rating['id']}/reply", json={"text": "已加快", "resolve": True})
    assert replied.status_code == 200 and replied.get_json()["item"]["followup"] == "resolved"
    assert client.post(f"/api/v1/modules/ratings/{rating['id']}/second", json={"stars": 4}).status_code == 200
    assert client.post(f"/api/v1/modules/ratings/{rating['id']}/second", json={"stars": 5}).status_code == 409
    assert worker is not None


def test_an_unanswered_bad_rating_escalates_to_the_street(app, client, org_tree, login_as, clock, sign_in):
    enable_residents(app)
    login_as("community_admin", "c1/s1/m1")
    client.post("/api/v1/modules/resident_info/ratings", json={"stars": 1, "comment": "找不到人"})
    clock.advance(days=2)  # Thursday 09:00 + 1 working day has passed
    run_due_jobs(app)
    street = sign_in(app, "street_admin", "c1/s1")
    assert "差评逾期未回复" in street.get("/inbox").get_data(as_text=True)


def test_a_rating_needs_one_to_five_stars(app, client, org_tree, login_as):
    enable_residents(app)
    login_as("community_admin", "c1/s1/m1")
    response = client.post("/api/v1/modules/resident_info/ratings", json={"stars": 9})
    assert response.status_code == 422 and response.get_json()["pointer"] == "/stars"
    assert client.post("/api/v1/modules/unknown_mod/ratings", json={"stars": 3}).status_code == 404


def test_the_rating_control_posts_from_the_page_and_goes_back(app, client, org_tree, login_as):
    enable_residents(app)
    login_as("community_admin", "c1/s1/m1")
    page = client.get("/resident_info/").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    back = client.post(
        "/usage/rate", data={"plugin": "resident_info", "stars": "5", "next": "/resident_info/", "csrf_token": token}
    )
    assert back.status_code == 302 and back.headers["Location"].endswith("/resident_info/")
    assert "谢谢您的评价。" in client.get("/resident_info/").get_data(as_text=True)
    away = client.post(
        "/usage/problem", data={"plugin": "resident_info", "text": "", "next": "//evil.example/", "csrf_token": token}
    )
    assert away.headers["Location"] == "/", "never sent to another site"
    assert "请写下哪里不好用。" in client.get("/").get_data(as_text=True), (
        "an empty report is refused, naming what is missing"
    )
    client.post(
        "/usage/problem", data={"plugin": "resident_info", "text": "筛选太慢", "next": "/", "csrf_token": token}
    )
    items = client.get("/api/v1/modules/ratings").status_code
    assert items == 403, "a community admin reads no usage lists"
