"""API conventions every route shares: OpenAPI coverage, problem+json, UTF-8, health."""

import re

import pytest

from core.api.openapi import api_rules


def test_openapi_document_covers_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    rules = list(api_rules(app))
    assert len(rules) >= 20, f"only {len(rules)} API routes found: the check below would prove little"
    for rule in rules:
        path = re.sub(r"<(?:[a-z]+:)?([a-zA-Z_]+)>", r"{\1}", rule.rule)
        assert path in document["paths"], f"{rule.rule} is missing from the OpenAPI document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"][path][method.lower()]
            assert operation["summary"], f"{method} {rule.rule} has no summary"


def test_every_api_route_is_declared_with_metadata(app):
    assert list(api_rules(app)), "no API routes found"
    for rule in api_rules(app):
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "openapi", None), f"{rule.rule} was not declared with api_route()"


def test_bad_body_answers_problem_json_in_chinese_naming_the_field(client, login_as):
    login_as("community_admin", "c1")
    response = client.post("/api/v1/tokens", json={"name": "数据对接", "scopes": "core.org_read"})
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.get_json()
    assert problem["pointer"] == "/scopes"
    assert "类型不正确" in problem["detail"]


def test_missing_field_points_at_the_field(client, login_as):
    login_as("community_admin", "c1")
    problem = client.post("/api/v1/grants", json={"user_id": 1, "org_path": "c1"}).get_json()
    assert problem["pointer"] == "/package" and problem["detail"] == "缺少必填字段 package"


PHONE_FORM = {
    "type": "object",
    "required": ["phone"],
    "properties": {
        "phone": {
            "type": "string",
            "pattern": "^1[3-9][0-9]{9}$",
            "x-message": "请填写 11 位手机号码，如 13800138000。",
        },
        "note": {"type": "string", "maxLength": 5},
    },
}


@pytest.mark.parametrize("body", [{"phone": "12345"}, {"phone": 13800138000}, {}], ids=["pattern", "type", "missing"])
def test_a_field_with_x_message_is_explained_in_the_schema_authors_words(body):
    from core.api.errors import ApiError
    from core.api.validation import validate_or_raise

    with pytest.raises(ApiError) as refused:
        validate_or_raise(PHONE_FORM, body)

    assert (refused.value.status, refused.value.pointer) == (422, "/phone")
    assert refused.value.detail == "请填写 11 位手机号码，如 13800138000。"


def test_a_field_without_x_message_keeps_the_generic_reason():
    from core.api.errors import ApiError
    from core.api.validation import validate_or_raise

    with pytest.raises(ApiError) as refused:
        validate_or_raise(PHONE_FORM, {"phone": "13800138000", "note": "太长了的备注"})

    assert refused.value.detail == "/note：长度不能超过 5 个字符"


def test_the_api_answers_with_the_x_message_of_the_field(client, login_as):
    login_as("community_admin", "c1")

    problem = client.post("/api/v1/tokens", json={"name": "   "}).get_json()

    assert problem["pointer"] == "/name"
    assert problem["detail"] == "令牌名称须是 1–100 个字符的文字，且不能只有空格。"


def test_non_json_body_is_refused_clearly(client, login_as):
    login_as("community_admin", "c1")
    response = client.post("/api/v1/tokens", data="name=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and "JSON" in response.get_json()["detail"]


def test_json_is_utf8_not_ascii_escaped(client, login_as):
    login_as("community_admin", "c1")
    raw = client.post("/api/v1/grants", json={}).get_data()
    assert "缺少必填字段".encode() in raw and b"\\u" not in raw


def test_unknown_api_path_is_problem_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.get_json()["title"] == "未找到"


def test_health_reports_database_status(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_unknown_page_is_a_chinese_error_page(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404 and "未找到" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"path": "/api/v1/orgs?q=%00"},
        {"path": "/api/v1/users?q=a%01b"},
        {"path": "/api/v1/tokens", "method": "POST", "data": '{"name": "\\ud800"}'},
        {"path": "/api/v1/tokens", "method": "POST", "data": '{"name": "a\\u0000b"}'},
        {"path": "/api/v1/tokens", "method": "POST", "data": '{"name": "a\x7fb"}'},  # DEL typed raw
        {"path": "/api/v1/tokens", "method": "POST", "data": '{"na\\u0001me": "x"}'},  # in a key
        {"path": "/api/v1/tokens", "method": "POST", "data": '{"name": "a\\u0000b"}'.encode("utf-16")},
    ],
)
def test_control_characters_and_lone_surrogates_are_refused_clearly(client, login_as, request_kwargs):
    login_as("county_admin", "c1")
    kwargs = dict(request_kwargs)
    path, method = kwargs.pop("path"), kwargs.pop("method", "GET")
    if "data" in kwargs:
        kwargs["content_type"] = "application/json"
    response = client.open(path, method, **kwargs)
    assert response.status_code == 422
    assert "控制字符" in response.get_json()["detail"]


def test_an_unauthenticated_lone_surrogate_is_a_422_not_a_500(client):
    response = client.post(
        "/api/v1/auth/token", data='{"username": "\\ud800", "password": "x"}', content_type="application/json"
    )
    assert response.status_code == 422


def test_a_huge_id_in_the_url_is_an_ordinary_404(client, login_as):
    login_as("county_admin", "c1")
    for path in ("/api/v1/grants/2147483648", "/api/v1/users/99999999999999999999"):
        response = client.get(path)
        assert response.status_code == 404, path


def test_every_403_is_in_the_audit_trail(app, client, login_as):
    from sqlalchemy import text

    from core.db import engine_of

    login_as("grid_feedback_worker", "c1/s1/m1/g1")
    assert client.get("/api/v1/users").status_code == 403
    assert client.get("/api/v1/role-packages/" + "x" * 400).status_code in (403, 404)
    with engine_of(app).connect() as conn:
        denials = conn.execute(
            text("SELECT target FROM core_audit_entry WHERE action = 'core.permission_denied'")
        ).all()
    assert any(target == "/api/v1/users" for (target,) in denials)


def test_a_not_found_raised_outside_a_request_still_speaks_chinese(app):
    """Services run in CLI commands and workers too: their errors must not need a request."""
    from core.api import not_found

    with app.app_context():
        assert "不存在" in not_found().detail


def test_the_document_describes_query_filters_and_multipart_uploads(client):
    """Without them no client generator or fuzzer can see the list filters or the upload."""
    document = client.get("/api/v1/openapi.json").get_json()
    users = {parameter["name"]: parameter for parameter in document["paths"]["/api/v1/users"]["get"]["parameters"]}
    assert {"q", "org_path", "is_active", "limit", "offset"} <= set(users)
    assert users["limit"]["in"] == "query" and users["limit"]["schema"]["maximum"] == 200
    orgs = {parameter["name"] for parameter in document["paths"]["/api/v1/orgs"]["get"]["parameters"]}
    assert {"kind", "parent_id", "q", "limit", "offset"} <= orgs
    upload = document["paths"]["/api/v1/orgs/import"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload["schema"]["properties"]["file"] == {
        "type": "string",
        "format": "binary",
        "description": upload["schema"]["properties"]["file"]["description"],
    }
    audit = {parameter["name"] for parameter in document["paths"]["/api/v1/audit"]["get"]["parameters"]}
    assert {"action", "actor", "date_from", "date_to"} <= audit


def test_the_plugin_guide_lists_exactly_the_formats_the_api_checks():
    """docs/plugins.md promises which JSON Schema formats are enforced; keep it true."""
    from pathlib import Path

    from jsonschema import FormatChecker

    guide = (Path(__file__).resolve().parents[2] / "docs" / "plugins.md").read_text(encoding="utf-8")
    passage = guide.split("**`format` is checked**", 1)[1].split("A value that fails", 1)[0]
    documented = set(re.findall(r"`([a-z0-9-]+)`", passage))

    assert documented == set(FormatChecker().checkers)


def test_a_checked_format_answers_422_naming_the_field():
    from core.api.errors import ApiError
    from core.api.validation import validate_or_raise

    schema = {"type": "object", "properties": {"birthday": {"type": "string", "format": "date"}}}
    with pytest.raises(ApiError) as refused:
        validate_or_raise(schema, {"birthday": "2024-02-30"})

    assert refused.value.pointer == "/birthday"
    assert refused.value.detail == "/birthday：格式不正确，应为日期（如 2024-01-31）"


def test_an_unknown_field_is_refused_without_repeating_its_name(client, login_as):
    """The key sent might be an ID number typed into the wrong place: never echo it."""
    login_as("county_admin", "c1")
    answer = client.post("/api/v1/tokens", json={"name": "接口", "330127197505053217": "x"})
    assert answer.status_code == 422
    body = answer.get_data(as_text=True)
    assert "330127197505053217" not in body and "包含不允许的字段" in body


def _refs(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref":
                yield item
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def test_every_reference_in_the_document_resolves(client):
    """A body schema's own "#/$defs/…" means the document's root once embedded: no client
    could build that body (the fuzzer sent PUT /resident_info/fields without one)."""
    document = client.get("/api/v1/openapi.json").get_json()
    for ref in _refs(document["paths"]):
        target = document
        for part in ref.removeprefix("#/").split("/"):
            assert part in target, f"{ref} points at nothing"
            target = target[part]


def test_integer_path_parameters_are_described_as_the_integers_the_route_takes(client):
    from core.api.converters import MAX_ID

    document = client.get("/api/v1/openapi.json").get_json()
    (user_id,) = document["paths"]["/api/v1/users/{user_id}"]["get"]["parameters"]
    assert user_id["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    (node_id,) = document["paths"]["/api/v1/orgs/{node_id}"]["get"]["parameters"]
    assert node_id["schema"] == {"type": "string"}


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("post", "/api/v1/auth/token", "201"),
        ("post", "/api/v1/tokens", "201"),
        ("delete", "/api/v1/tokens/{token_id}", "204"),
        ("post", "/api/v1/users", "201"),
        ("post", "/api/v1/users/{user_id}/password", "204"),
        ("post", "/api/v1/role-packages", "201"),
        ("delete", "/api/v1/role-packages/{name}", "204"),
        ("delete", "/api/v1/grants/{grant_id}", "204"),
    ],
)
def test_success_statuses_other_than_200_are_documented(client, method, path, status):
    """Otherwise a 201's JSON falls under "default", which promises problem+json."""
    document = client.get("/api/v1/openapi.json").get_json()
    assert status in document["paths"][path][method]["responses"]


def test_an_unknown_permission_is_named_by_its_position_not_repeated(client, login_as, org_tree):
    login_as("county_admin", "c1")
    answer = client.post(
        "/api/v1/role-packages", json={"name": "helper", "title_zh": "帮手", "permissions": ["330127197505053217"]}
    )
    assert answer.status_code == 422 and answer.get_json()["pointer"] == "/permissions/0"
    assert "330127197505053217" not in answer.get_data(as_text=True)
