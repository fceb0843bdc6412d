"""Inspections as a grid worker records them: every item passes unless flipped, the server
scores, a critical failure fails whatever the score, a resend with the same key stores
nothing new."""

from waste_helpers import POINT_FORM, inspect, inspection_id_of, make_point

from core.testing import assert_published, rows


def test_a_failed_critical_item_fails_the_inspection_whatever_the_score(app, client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    point = make_point(client)
    passed = inspection_id_of(inspect(client, point))
    failed = inspection_id_of(inspect(client, point, failed=["sorted"]))  # critical, weight 30 of 100

    first, second = (
        rows(app, "SELECT * FROM waste_sorting_inspection WHERE id = :i", i=i)[0] for i in (passed, failed)
    )
    assert (first.score, bool(first.passed)) == (100, True)
    assert (second.score, bool(second.passed), bool(second.critical_failed)) == (70, False, True)
    page = client.get(f"/waste_sorting/inspections/{failed}").get_data(as_text=True)
    assert "不合格" in page and "70" in page and "关键项不合格" in page
    assert_published(app, "waste_sorting.inspection_failed", inspection_id=failed, passed=False)


def test_the_same_client_key_twice_stores_one_inspection_and_answers_the_same(app, client, login_as, enabled):
    login_as("grid_feedback_worker", "c1/s1/m1")
    point = make_point_as_admin(client, login_as)
    login_as("grid_feedback_worker", "c1/s1/m1")
    key = "5b0c7c52-7a43-4e4e-9a0b-3f2d7c1e9a11"
    first = inspect(client, point, failed=["labels"], key=key)
    second = inspect(client, point, failed=["labels"], key=key)

    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(rows(app, "SELECT id FROM waste_sorting_inspection WHERE client_key = :k", k=key)) == 1


def test_a_malformed_client_key_is_refused_naming_the_field_and_stores_nothing(app, client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    point = make_point(client)
    answer = inspect(client, point, key="not-a-key'; DROP")

    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "离线记录编号（client_key）格式不正确" in page and "DROP" not in page
    assert rows(app, "SELECT id FROM waste_sorting_inspection") == []


def make_point_as_admin(client, login_as):
    login_as("community_admin", "c1/s1/m1")
    return make_point(client)


def test_the_api_answers_a_resent_inspection_like_the_first_and_stores_it_once(app, client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    point = make_point(client)
    body = {"point_id": point, "failed": ["sorted"], "client_key": "0f3c9a1e6b2d4f8a9c7e5d3b1a2f4e6d"}
    first = client.post("/api/v1/waste_sorting/inspections", json=body)
    second = client.post("/api/v1/waste_sorting/inspections", json=body)

    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json() and first.get_json()["passed"] is False
    assert len(rows(app, "SELECT id FROM waste_sorting_inspection")) == 1
    assert len(rows(app, "SELECT id FROM waste_sorting_rectification")) == 1


def test_a_points_printed_code_opens_its_inspection_form(app, client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    point = make_point(client)
    page = client.get(f"/waste_sorting/points/{point}/qr").get_data(as_text=True)
    assert "<svg" in page and f"http://localhost/waste_sorting/inspect/{point}" in page
    assert "打印" in page


def test_a_closed_point_is_not_inspected_and_keeps_its_history(app, client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    point = make_point(client)
    inspect(client, point)
    assert client.post(f"/waste_sorting/points/{point}/status", data={"status": "closed"}).status_code == 303

    assert inspect(client, point).status_code == 409
    detail = client.get(f"/waste_sorting/points/{point}").get_data(as_text=True)
    assert "已停用" in detail and "新建" in detail and "停用" in detail and "合格" in detail
    assert len(rows(app, "SELECT id FROM waste_sorting_inspection")) == 1


def test_the_supervisor_is_picked_by_name_from_the_people_who_work_there(app, client, login_as, make_user, enabled):
    make_user("grid_feedback_worker", "c1/s1/m1/g1", username="here_worker")
    make_user("grid_feedback_worker", "c1/s1/m12/g10", username="sibling_worker")
    login_as("community_admin", "c1/s1/m1")
    form = client.get("/waste_sorting/points/new").get_data(as_text=True)
    assert 'value="here_worker"' in form and "sibling_worker" not in form

    refused = client.post("/waste_sorting/points/new", data={**POINT_FORM, "supervisor": "sibling_worker"})
    assert refused.status_code == 422 and "督导员：请从列表中选择。" in refused.get_data(as_text=True)
    assert rows(app, "SELECT id FROM waste_sorting_point") == []


def test_the_point_form_is_counted_under_its_name_for_the_slimming_list(app, client, login_as, enabled):
    from core.usage.ingest import ingest_spool

    login_as("community_admin", "c1/s1/m1")
    make_point(client)
    ingest_spool(app)
    counted = rows(app, "SELECT DISTINCT form FROM core_usage_form_field WHERE plugin = 'waste_sorting'")
    forms = {form for (form,) in counted}
    assert forms == {"投放点"}
