"""Switching a plugin on and off per org node: inherited downwards, forbidden from above,
audited and published — and where it is off, its pages, API, menu and permissions are gone
while its data stays."""

from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from core.auth.actor import Actor
from core.db import engine_of
from core.state import state_of
from core.testing import assert_published, rows

FIXTURES = Path(__file__).parent / "plugin_fixtures"
M1, M12 = "c1/s1/m1", "c1/s1/m12"


def put_state(client, node_id, state, plugin="fx_pages"):
    return client.put(f"/api/v1/plugins/{plugin}/nodes/{node_id}", json={"state": state})


def state_at(client, node_id, plugin="fx_pages"):
    response = client.get(f"/api/v1/plugins/{plugin}/nodes/{node_id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["state"]


def states(client, *node_ids):
    return {node_id: state_at(client, node_id) for node_id in node_ids}


# ---------------------------------------------------------------- inheritance


def test_an_installed_plugin_is_off_everywhere_until_enabled(plugged, sign_in_as):
    county = sign_in_as(plugged("fx_pages"), "county")
    assert states(county, "c1", "m1", "g10") == {"c1": "disabled", "m1": "disabled", "g10": "disabled"}
    assert county.get("/api/v1/plugins/fx_pages/nodes/m1").get_json()["setting"] == "inherit"


def test_enabled_at_the_county_it_is_on_everywhere_below(plugged, sign_in_as):
    county = sign_in_as(plugged("fx_pages"), "county")
    response = put_state(county, "c1", "enabled")
    assert response.status_code == 200
    assert response.get_json() == {"plugin": "fx_pages", "org_path": "c1", "old_state": "disabled", "state": "enabled"}
    assert set(states(county, "c1", "s2", "m1", "g10", "g2").values()) == {"enabled"}


def test_disabled_at_a_street_it_is_off_there_and_on_elsewhere(plugged, sign_in_as):
    county = sign_in_as(plugged("fx_pages"), "county")
    put_state(county, "c1", "enabled")
    assert put_state(county, "s1", "disabled").get_json()["state"] == "disabled"
    assert states(county, "s1", "m1", "g10", "s2", "m2") == {
        "s1": "disabled",
        "m1": "disabled",
        "g10": "disabled",
        "s2": "enabled",
        "m2": "enabled",
    }


def test_a_community_under_a_disabled_street_can_switch_it_back_on(plugged, sign_in_as):
    app = plugged("fx_pages")
    county, community = sign_in_as(app, "county"), sign_in_as(app, "m1")
    put_state(county, "c1", "enabled")
    put_state(county, "s1", "disabled")
    assert put_state(community, "m1", "enabled").status_code == 200
    assert states(county, "m1", "g1", "m12") == {"m1": "enabled", "g1": "enabled", "m12": "disabled"}


def test_inherit_clears_the_node_setting(plugged, sign_in_as):
    county = sign_in_as(plugged("fx_pages"), "county")
    put_state(county, "c1", "enabled")
    put_state(county, "m1", "disabled")
    response = put_state(county, "m1", "inherit")
    assert response.get_json()["old_state"] == "disabled" and response.get_json()["state"] == "enabled"
    assert county.get("/api/v1/plugins/fx_pages/nodes/m1").get_json()["setting"] == "inherit"
    assert rows(county.raw.application, "SELECT org_path FROM core_plugin_setting") == [("c1",)]


# ---------------------------------------------------------------- forbidding


def test_forbidden_at_a_street_overrides_settings_below_and_cannot_be_lifted_below(plugged, sign_in_as):
    app = plugged("fx_pages")
    county, community = sign_in_as(app, "county"), sign_in_as(app, "m1")
    put_state(community, "m1", "enabled")
    assert put_state(county, "s1", "forbidden").status_code == 200
    node = county.get("/api/v1/plugins/fx_pages/nodes/m1").get_json()
    assert node["setting"] == "enabled" and node["state"] == "forbidden"
    refused = put_state(community, "m1", "enabled")
    assert refused.status_code == 409
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert refused.get_json()["detail"] == "上级组织 c1/s1 已禁止该功能模块，不能在下级启用。"
    assert community.get("/fx_pages/").status_code == 404


def test_only_holders_of_plugin_forbid_may_forbid(plugged, sign_in_as):
    app = plugged("fx_pages")
    for who, node_id in (("m1", "m1"), ("street", "s1")):
        response = put_state(sign_in_as(app, who), node_id, "forbidden")
        refusal = response.get_json()
        assert response.status_code == 403 and refusal["permission"] == "core.plugin_forbid"
        assert "“禁止下级使用某个功能模块”" in refusal["detail"]
    assert rows(app, "SELECT count(*) FROM core_plugin_setting") == [(0,)]
    denied = rows(app, "SELECT detail FROM core_audit_entry WHERE action = 'core.permission_denied'")
    assert len(denied) == 2


def test_a_forbid_on_my_own_node_cannot_be_lifted_without_plugin_forbid(plugged, sign_in_as):
    app = plugged("fx_pages")
    county, community = sign_in_as(app, "county"), sign_in_as(app, "m1")
    assert put_state(county, "m1", "forbidden").status_code == 200
    for state in ("enabled", "inherit"):
        assert put_state(community, "m1", state).status_code in (403, 409)
    assert state_at(county, "m1") == "forbidden"


def test_a_community_admin_cannot_see_or_change_a_sibling_community(plugged, sign_in_as):
    app = plugged("fx_pages")
    community = sign_in_as(app, "m1")
    assert put_state(community, "m12", "enabled").status_code == 404
    assert community.get("/api/v1/plugins/fx_pages/nodes/m12").status_code == 404
    assert rows(app, "SELECT count(*) FROM core_plugin_setting") == [(0,)]


def test_an_unknown_plugin_or_state_is_refused_and_nothing_stored(plugged, sign_in_as):
    app = plugged("fx_pages")
    county = sign_in_as(app, "county")
    bad_state = put_state(county, "m1", "on")
    assert bad_state.status_code == 422 and bad_state.get_json()["pointer"] == "/state"
    assert put_state(county, "m1", "enabled", plugin="fx_nowhere").status_code == 404
    assert rows(app, "SELECT count(*) FROM core_plugin_setting") == [(0,)]


def test_the_plugin_list_answers_only_for_nodes_in_my_scope(plugged, sign_in_as):
    community = sign_in_as(plugged("fx_pages", enabled_at="c1/s2"), "m1")
    assert community.get("/api/v1/plugins?org_path=c1/s2/m2").status_code == 404
    assert community.get("/api/v1/plugins?org_path=../x").status_code in (404, 422)


def test_the_state_of_an_unknown_plugin_is_not_found(plugged, sign_in_as):
    county = sign_in_as(plugged("fx_pages"), "county")
    assert county.get("/api/v1/plugins/fx_nowhere/nodes/m1").status_code == 404


# ---------------------------------------------------------------- audit and events


def test_every_change_is_audited_and_published_as_an_event(plugged, sign_in_as):
    app = plugged("fx_pages")
    county = sign_in_as(app, "county")
    for node_id, state in (("c1", "enabled"), ("s1", "disabled"), ("s2", "forbidden"), ("s1", "inherit")):
        assert put_state(county, node_id, state).status_code == 200
    expected = [
        ("core.plugin_enabled", "c1"),
        ("core.plugin_disabled", "c1/s1"),
        ("core.plugin_forbidden", "c1/s2"),
        ("core.plugin_setting_cleared", "c1/s1"),
    ]
    audited = rows(
        app,
        "SELECT action, org_path, actor, target FROM core_audit_entry WHERE action LIKE 'core.plugin_%' ORDER BY seq",
    )
    assert audited == [(action, path, county_name(app), "plugin:fx_pages") for action, path in expected]
    published = rows(app, "SELECT type, org_path FROM core_event WHERE type LIKE 'core.plugin_%' ORDER BY id")
    assert published == expected
    assert assert_published(app, "core.plugin_disabled")["payload"] == {
        "plugin": "fx_pages",
        "org_path": "c1/s1",
        "old_state": "enabled",
        "new_state": "disabled",
        "setting": "disabled",
    }


def county_name(app):
    return rows(app, "SELECT username FROM core_user WHERE org_path = 'c1'")[0][0]


def test_the_command_line_switches_a_plugin_and_audits_it(plugged, org_tree):
    app = plugged("fx_pages")
    result = app.test_cli_runner().invoke(args=["plugin", "set-state", "fx_pages", M1, "enabled"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"fx_pages 在 {M1}：disabled → enabled"
    assert rows(app, "SELECT actor FROM core_audit_entry WHERE action = 'core.plugin_enabled'") == [("cli",)]


# ---------------------------------------------------------------- what a user notices


def test_pages_and_api_exist_only_where_the_plugin_is_on(plugged, sign_in_as):
    app = plugged("fx_pages", enabled_at=M1)
    here, next_door = sign_in_as(app, "m1"), sign_in_as(app, "m12")
    assert here.get("/fx_pages/").status_code == 200
    assert here.get("/api/v1/fx_pages/hello").get_json() == {"greeting": "你好"}
    assert next_door.get("/fx_pages/").status_code == 404
    missing = next_door.get("/api/v1/fx_pages/hello")
    assert missing.status_code == 404 and missing.get_json()["detail"] == "该功能模块在您的组织未启用。"


def test_the_menu_entry_shows_only_where_the_plugin_is_on(plugged, sign_in_as):
    app = plugged("fx_pages", enabled_at=M1)
    assert 'href="/fx_pages/"' in sign_in_as(app, "m1").get("/").get_data(as_text=True)
    assert 'href="/fx_pages/"' not in sign_in_as(app, "m12").get("/").get_data(as_text=True)


@pytest.mark.parametrize("permission", [None, "core.org_read"])
def test_a_menu_entry_without_the_plugins_own_permission_hides_where_it_is_off(permission, plugged, sign_in_as):
    app = plugged("fx_pages", enabled_at=M1, FX_PAGES_NAV_PERMISSION=permission)
    assert 'href="/fx_pages/"' not in sign_in_as(app, "m12").get("/").get_data(as_text=True)


def test_plugin_permissions_hold_only_where_the_plugin_is_on(plugged, people):
    from core.permissions.access import can, scope_for

    app = plugged("fx_pages", enabled_at=M1)
    with app.test_request_context():
        here, next_door, county = (Actor.from_user(people[who]) for who in ("m1", "m12", "county"))
        assert can(here, "fx_pages.view", M1) and can(here, "fx_pages.view", f"{M1}/g1")
        assert not can(next_door, "fx_pages.view", M12) and not can(county, "fx_pages.view", M12)
        assert can(county, "fx_pages.view", M1)
        assert scope_for(county, "fx_pages.view").covers(M1) and not scope_for(county, "fx_pages.view").covers("c1/s2")


def test_switching_a_plugin_off_leaves_its_data_alone(plugged, sign_in_as):
    app = plugged("fx_notes", enabled_at=M1)
    notes = state_of(app).host.get("fx_notes").module.notes
    notes.create(engine_of(app))
    with engine_of(app).begin() as conn:
        conn.execute(insert(notes), [{"org_path": M1, "text": f"记录{n}"} for n in range(3)])

    def all_notes():
        with engine_of(app).connect() as conn:
            return conn.execute(select(notes).order_by(notes.c.id)).all()

    before = all_notes()
    county = sign_in_as(app, "county")
    assert put_state(county, "m1", "disabled", plugin="fx_notes").status_code == 200
    assert put_state(county, "c1", "forbidden", plugin="fx_notes").status_code == 200
    assert all_notes() == before and len(before) == 3
    with engine_of(app).connect() as conn:
        assert conn.execute(select(func.count()).select_from(notes)).scalar() == 3


def test_the_lifecycle_hook_hears_of_a_change_after_commit_and_only_its_own(plugged, sign_in_as):
    app = plugged("fx_lifecycle", "fx_bystander")
    host = state_of(app).host
    heard, bystander = host.get("fx_lifecycle").module.CALLS, host.get("fx_bystander").module.CALLS
    county = sign_in_as(app, "county")
    put_state(county, "m1", "enabled", plugin="fx_lifecycle")
    put_state(county, "s1", "forbidden", plugin="fx_lifecycle")
    assert put_state(county, "m1", "enabled", plugin="fx_lifecycle").status_code == 409  # refused: nothing to hear
    assert heard == [
        {
            "plugin": "fx_lifecycle",
            "org_path": M1,
            "old_state": "disabled",
            "new_state": "enabled",
            "committed_setting": "enabled",
        },
        {
            "plugin": "fx_lifecycle",
            "org_path": "c1/s1",
            "old_state": "disabled",
            "new_state": "forbidden",
            "committed_setting": "forbidden",
        },
    ]
    assert bystander == []


def test_the_plugins_page_speaks_chinese_and_its_enable_button_works(plugged, sign_in_as):
    app = plugged("fx_pages")
    community = sign_in_as(app, "m1")
    page = community.get("/plugins?node=m1").get_data(as_text=True)
    assert "功能模块" in page and "测试页面" in page and "未启用" in page and ">启用<" in page
    assert 'value="forbidden"' not in page  # a community admin may not forbid
    response = community.post("/plugins/fx_pages/state", data={"node_id": "m1", "state": "enabled"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/plugins?node=m1")
    after = community.get("/plugins?node=m1").get_data(as_text=True)
    assert '<span class="state">已启用</span>' in after and "在本节点设置" in after
    assert state_at(community, "m1") == "enabled"


def test_the_plugins_page_confirms_a_change_in_chinese(plugged, sign_in_as):
    community = sign_in_as(plugged("fx_pages"), "m1")
    community.post("/plugins/fx_pages/state", data={"node_id": "m1", "state": "enabled"})
    page = community.get("/plugins?node=m1").get_data(as_text=True)
    assert "未启用 → 已启用" in page and "disabled → enabled" not in page
