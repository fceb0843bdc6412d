"""Templates (场景模板): three ready-made scenarios built from real blocks; 使用此模板 makes a
draft copy the admin adapts; a template whose plugin is off at the admin's node is greyed
with the reason in Chinese, and using it anyway is refused with that reason."""

import pytest

from core.testing import rows, signed_in_client

M1, M2 = "c1/s1/m1", "c1/s2/m2"
TITLES = ["高温关爱独居老人", "垃圾分类督导", "新居民入户登记"]


@pytest.fixture
def app(with_plugins, org_tree):
    # waste_sorting is installed but switched on nowhere: 垃圾分类督导 is offered greyed.
    return with_plugins("resident_info", "special_visits", "scenario_builder", enabled_at="c1")


@pytest.fixture
def admin(app, make_user):
    return signed_in_client(app, make_user("community_admin", M1))


def test_the_three_templates_are_listed_with_why_one_cannot_be_used_here(admin):
    answer = admin.get("/api/v1/scenarios/templates").get_json()
    assert answer["org_path"] == M1
    by_title = {item["title"]: item for item in answer["items"]}
    assert list(by_title) == TITLES
    assert by_title["高温关爱独居老人"]["available"] and by_title["新居民入户登记"]["available"]
    assert not by_title["垃圾分类督导"]["available"]
    assert by_title["垃圾分类督导"]["reason"] == "需要功能模块「垃圾分类监管」，尚未在本组织启用"
    page = admin.get("/scenarios/").get_data(as_text=True)
    assert page.count("使用此模板") == 3 and "disabled" in page and by_title["垃圾分类督导"]["reason"] in page
    assert "waste_sorting" not in page


def test_using_a_template_creates_a_draft_copy_with_its_blocks_and_trigger(admin):
    response = admin.post("/api/v1/scenarios/templates/heat_wave/use", json={"org_path": M1})
    assert response.status_code == 201, response.get_json()
    scenario = admin.get(response.headers["Location"]).get_json()
    assert scenario["status"] == "draft" and scenario["title"] == "高温关爱独居老人"
    assert [b["block"] for b in scenario["document"]["blocks"]][:3] == [
        "resident_list",
        "registration_form",
        "my_roster",
    ]
    assert scenario["document"]["triggers"][0]["then"]["action"] == "visit_soon"
    second = admin.post("/api/v1/scenarios/templates/heat_wave/use", json={"org_path": M1}).get_json()
    assert second["id"] != scenario["id"]  # a copy each time: the template itself never changes


def test_the_page_button_opens_the_new_draft(admin):
    response = admin.post("/scenarios/templates/new_residents/use", data={})
    assert response.status_code == 302 and "/scenarios/" in response.headers["Location"]
    assert "新居民入户登记" in admin.get(response.headers["Location"]).get_data(as_text=True)


def test_an_unavailable_unknown_or_foreign_template_use_is_refused_and_nothing_is_stored(admin, app):
    refused = admin.post("/api/v1/scenarios/templates/waste_drive/use", json={"org_path": M1})
    assert refused.status_code == 422 and "垃圾分类督导" in refused.get_json()["detail"]
    assert admin.post("/api/v1/scenarios/templates/nope/use", json={"org_path": M1}).status_code == 404
    assert admin.post("/api/v1/scenarios/templates/heat_wave/use", json={"org_path": M2}).status_code == 403
    assert rows(app, "SELECT count(*) FROM scenario_builder_scenario") == [(0,)]


def test_the_template_routes_are_in_the_openapi_document(admin):
    paths = admin.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/scenarios/templates" in paths
    assert any(path.startswith("/api/v1/scenarios/templates/") and path.endswith("/use") for path in paths)
