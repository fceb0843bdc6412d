"""What the plugin offers the rest of Gridwork: services other plugins call through the
core, scenario blocks, and the "is it in use?" figures."""

import re

import pytest
from resident_helpers import make_id, register

from core.auth.actor import Actor
from core.public import ServiceUnavailable, call_service
from core.state import state_of


@pytest.fixture
def residents(client, login_as, enabled):
    """Three residents of m1 (by its community admin) and one of m12."""
    login_as("community_admin", "c1/s1")
    made = {
        "old_alone": register(
            client,
            name="赵大爷",
            id_number=make_id("19400101", "013"),
            tags=[{"tag": "独居老人"}, {"tag": "残疾", "level": 1}],
        ),
        "young_alone": register(
            client, name="钱小姐", id_number=make_id("19900101", "024"), tags=[{"tag": "独居老人"}]
        ),
        "old": register(client, name="孙奶奶", id_number=make_id("19380101", "026"), tags=[{"tag": "低保"}]),
        "elsewhere": register(
            client,
            name="李大爷",
            id_number=make_id("19410101", "037"),
            org_path="c1/s1/m12/g10",
            tags=[{"tag": "独居老人"}],
        ),
    }
    client.logout()
    return made


def actor_for(make_user, package, path):
    return Actor.from_user(make_user(package, path))


def test_get_residents_answers_only_what_the_actor_may_read_masked(app, residents, make_user):
    actor = actor_for(make_user, "grid_feedback_worker", "c1/s1/m1")
    ids = [residents[key]["id"] for key in ("old", "elsewhere", "old_alone")]
    with app.test_request_context():
        found = call_service("resident_info.get_residents", ids=ids, actor=actor)
    assert [item["name"] for item in found] == ["孙奶奶", "赵大爷"]  # m12 left out, order kept
    assert all(item["id_number"].count("*") == 16 and "birth_date" not in item for item in found)
    assert found[1]["tags"] == [{"tag": "独居老人"}]  # no read_health for a grid worker


def test_find_by_tag_rule_builds_a_roster_of_people_living_alone_aged_70_or_more(app, residents):
    rule = {"tags_all": ["独居老人"], "min_age": 70}
    with app.test_request_context():
        in_m1 = call_service("resident_info.find_by_tag_rule", rule=rule, scope_paths=["c1/s1/m1"])
        in_s1 = call_service("resident_info.find_by_tag_rule", rule=rule, scope_paths=["c1/s1"])
        disabled = call_service("resident_info.find_by_tag_rule", rule={"tags_all": ["残疾"]}, scope_paths=["c1/s1/m1"])
    assert [item["name"] for item in in_m1] == ["赵大爷"]
    assert [item["name"] for item in in_s1] == ["赵大爷", "李大爷"]
    assert [item["name"] for item in disabled] == ["赵大爷"] and disabled[0]["tags"] == [{"tag": "独居老人"}]


def test_a_malformed_rule_is_refused_naming_the_field(app, enabled):
    from core.public import ApiError

    with app.test_request_context(), pytest.raises(ApiError) as refused:
        call_service("resident_info.find_by_tag_rule", rule={"tags": ["独居老人"]}, scope_paths=["c1"])
    assert refused.value.status == 422


def test_an_unknown_service_name_is_unavailable(app):
    with app.test_request_context(), pytest.raises(ServiceUnavailable):
        call_service("resident_info.delete_everyone")


def test_the_resident_list_block_shows_the_saved_filter_masked(app, residents, make_user):
    block, _schema = state_of(app).blocks[("resident_info", "resident_list")]
    actor = actor_for(make_user, "community_admin", "c1/s1/m1")
    with app.test_request_context():
        html = block.render(
            {"filter": {"tag": "独居老人", "min_age": 70}, "limit": 5}, {"org_path": "c1/s1/m1", "actor": actor}
        )
    assert "赵大爷" in html and "钱小姐" not in html and "李大爷" not in html
    assert "*" * 16 in html and make_id("19400101", "013") not in html


def test_the_registration_form_block_shows_only_the_optional_fields_chosen(app, enabled, make_user):
    block, schema = state_of(app).blocks[("resident_info", "registration_form")]
    assert "optional_fields" in schema["properties"]
    actor = actor_for(make_user, "grid_feedback_worker", "c1/s1/m1/g1")
    with app.test_request_context():
        html = block.render({"optional_fields": ["phone"]}, {"org_path": "c1/s1/m1/g1", "actor": actor})
    assert 'name="phone"' in html and 'name="id_number"' in html
    assert 'name="building"' not in html and 'name="tags"' not in html
    assert 'action="/resident_info/residents/new"' in html


def test_the_import_panel_block_offers_an_upload_for_its_node(app, enabled, make_user):
    block, schema = state_of(app).blocks[("resident_info", "import_panel")]
    assert schema["properties"]["default_mode"]["enum"] == ["all_or_nothing", "valid_rows"]
    admin, worker = (
        actor_for(make_user, "community_admin", "c1/s1/m1"),
        actor_for(make_user, "grid_feedback_worker", "c1/s1/m1/g1"),
    )
    with app.test_request_context():
        html = block.render({"default_mode": "valid_rows"}, {"org_path": "c1/s1/m1", "actor": admin})
        assert 'action="/resident_info/import"' in html and 'type="file"' in html
        assert 'value="valid_rows" checked' in html
        # The node picker: the block's node chosen, named; the grid below offered; no sibling.
        assert re.search(r'<option value="c1/s1/m1" title="东湖街道 › 幸福社区" selected>\s*幸福社区<', html)
        assert "c1/s1/m1/g1" in html and "c1/s1/m12" not in html
        refused = block.render({}, {"org_path": "c1/s1/m1/g1", "actor": worker})
        assert 'type="file"' not in refused and "没有导入权限" in refused


def test_the_usage_figures_count_residents_in_the_subtree(client, login_as, residents):
    login_as("county_admin", "c1")
    assert client.get("/api/v1/plugins/usage/m1").get_json()["figures"]["resident_info"] == {
        "residents": 3,
        "updated_last_30_days": 3,
    }
    assert client.get("/api/v1/plugins/usage/s1").get_json()["figures"]["resident_info"]["residents"] == 4


def test_the_plugin_declares_its_permissions_events_and_tables(app):
    catalogue = state_of(app).catalogue
    names = {permission.name for permission in catalogue.all()}
    assert {
        "resident_info.read",
        "resident_info.read_sensitive",
        "resident_info.read_health",
        "resident_info.write",
        "resident_info.import",
        "resident_info.export",
        "resident_info.manage_fields",
    } <= names
    manifest = state_of(app).host.get("resident_info").manifest
    assert {name for name, _schema in manifest.emitted_events()} >= {
        f"resident_info.resident_{kind}"
        for kind in ("registered", "updated", "tagged", "untagged", "moved_out", "deceased")
    }
    holding_personal_data = {table["name"] for table in manifest.data["tables"] if table["personal_data"]}
    assert holding_personal_data == {
        f"resident_info_{name}" for name in ("resident", "resident_tag", "household", "history", "import_file")
    }


def test_every_app_gets_fresh_blueprints_carrying_every_route(app):
    """The blueprints are built by ``web.blueprints()`` for each app; the export and import
    routes (once attached by importing their modules) are among them."""
    from plugins.resident_info import web

    first, second = web.blueprints(), web.blueprints()
    assert [blueprint.name for blueprint in first] == ["resident_info", "resident_info_api"]
    assert first[0] is not second[0] and first[1] is not second[1]
    served = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("resident_info")}
    assert {
        "/resident_info/",
        "/resident_info/export",
        "/resident_info/import",
        "/resident_info/import/<int:job_id>",
        "/api/v1/resident_info/residents",
        "/api/v1/resident_info/residents/export",
        "/api/v1/resident_info/imports",
        "/api/v1/resident_info/imports/template",
    } <= served
