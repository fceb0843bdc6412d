"""County extensions: a county admin adds extra fields (a JSON Schema) and county tags;
from then on the register checks them like any other field."""

from resident_helpers import API, RESIDENTS, audit_of, person, register

FIELDS = f"{API}/fields"
SCHEMA = {
    "type": "object",
    "required": ["insured"],
    "properties": {
        "insured": {"type": "boolean", "title": "是否参保", "x-order": 1},
        "workplace": {"type": "string", "maxLength": 50, "title": "工作单位"},
    },
}


def test_a_county_admin_adds_a_required_extra_field_and_registration_then_checks_it(app, client, login_as, enabled):
    login_as("county_admin", "c1")
    response = client.put(FIELDS, json={"schema": SCHEMA, "tags": [{"tag": "慢性病", "sensitive": True}]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["schema"]["additionalProperties"] is False
    assert [detail["fields"] for _a, _t, detail in audit_of(app, "resident_info.fields_updated")] == [
        ["insured", "workplace"]
    ]

    missing = client.post(RESIDENTS, json=person())
    assert missing.status_code == 422 and missing.get_json()["pointer"] == "/extra/insured"
    assert missing.get_json()["detail"] == "是否参保：必须填写"
    created = register(client, extra={"insured": True}, tags=[{"tag": "慢性病"}])
    assert created["extra"] == {"insured": True}
    assert created["tags"] == [{"tag": "慢性病", "sensitive": True}]


def test_everyone_who_reads_the_register_in_the_county_sees_its_fields(client, login_as, enabled):
    login_as("county_admin", "c1")
    client.put(FIELDS, json={"schema": SCHEMA})
    client.logout()
    login_as("grid_feedback_worker", "c1/s1/m1/g1")
    found = client.get(FIELDS).get_json()
    assert found["county_path"] == "c1" and set(found["schema"]["properties"]) == {"insured", "workplace"}
    assert "残疾" in found["builtin_tags"]


def test_only_holders_of_manage_fields_at_the_county_may_change_them(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    response = client.put(FIELDS, json={"schema": SCHEMA})
    assert response.status_code == 403
    assert client.get(FIELDS).get_json()["schema"] is None


def test_a_pattern_with_backslash_d_is_refused_because_it_matches_full_width_digits(client, login_as, enabled):
    login_as("county_admin", "c1")
    schema = {"type": "object", "properties": {"card": {"type": "string", "title": "卡号", "pattern": "^\\d{6}$"}}}
    response = client.put(FIELDS, json={"schema": schema})
    assert response.status_code == 422
    assert response.get_json()["pointer"] == "/schema/properties/card/pattern"
    assert "[0-9]" in response.get_json()["detail"]


def test_fields_of_unsupported_kinds_and_tags_clashing_with_built_ins_are_refused(client, login_as, enabled):
    login_as("county_admin", "c1")
    nested = {"type": "object", "properties": {"pets": {"type": "array", "title": "宠物"}}}
    assert client.put(FIELDS, json={"schema": nested}).status_code == 422
    clash = client.put(FIELDS, json={"schema": SCHEMA, "tags": [{"tag": "低保"}]})
    assert clash.status_code == 422 and clash.get_json()["pointer"] == "/tags/0/tag"
    assert client.get(FIELDS).get_json()["schema"] is None


def test_another_countys_fields_are_not_found(client, login_as, enabled):
    login_as("county_admin", "c1")
    assert client.get(f"{FIELDS}?county=c9").status_code == 404
    assert client.put(FIELDS, json={"county_path": "c9", "schema": SCHEMA}).status_code == 404


def test_a_county_path_that_is_not_text_is_refused_naming_it(client, login_as, enabled):
    # Found by the API fuzzer: the view read county_path before the body was validated (500).
    login_as("county_admin", "c1")
    response = client.put(FIELDS, json={"county_path": [None, None], "schema": SCHEMA})
    assert response.status_code == 422 and response.get_json()["pointer"] == "/county_path"


def test_a_schema_that_is_not_valid_json_schema_is_refused_not_an_error(client, login_as, enabled):
    # Found by the API fuzzer: "$schema": "" failed jsonschema's own schema check (500).
    login_as("county_admin", "c1")
    response = client.put(FIELDS, json={"schema": {**SCHEMA, "$schema": ""}})
    assert response.status_code == 422
    assert response.get_json()["pointer"] == "/schema/$schema"
    assert "JSON Schema" in response.get_json()["detail"]
    assert client.get(FIELDS).get_json()["schema"] is None
