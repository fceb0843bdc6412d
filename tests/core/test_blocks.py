"""The block contract: a block's manifest entry and its code agree, and the core renders it
behind the viewer's permission and an error boundary."""

import logging

from core.auth.acting import actor_named
from core.db import session_scope
from core.plugin_system.contributions import block_contract_problem
from core.public import BlockType
from core.state import state_of
from core.testing import render_block

M1 = "c1/s1/m1"


def _actor(app, user):
    with app.app_context(), session_scope(app) as db:
        return actor_named(db, user.username)


def test_a_block_renders_for_a_viewer_holding_its_permission(plugged, make_user):
    app = plugged("fx_scenes", enabled_at=M1)
    worker = _actor(app, make_user("grid_feedback_worker", f"{M1}/g1"))
    html = render_block(app, "fx_scenes", "notes", {"days": 3, "heading": "<i>热</i>"}, worker, f"{M1}/g1")
    assert html == '<p class="notes">&lt;i&gt;热&lt;/i&gt;：3 天</p>'


def test_a_viewer_without_the_permission_sees_nothing(plugged, make_user):
    app = plugged("fx_scenes", enabled_at=M1)
    supervisor = _actor(app, make_user("data_supervisor", M1))
    assert render_block(app, "fx_scenes", "notes", {"days": 3}, supervisor, M1) == ""


def test_a_failing_block_shows_unavailable_and_is_logged(plugged, make_user, caplog):
    app = plugged("fx_scenes", enabled_at=M1)
    worker = _actor(app, make_user("grid_feedback_worker", f"{M1}/g1"))
    with caplog.at_level(logging.ERROR):
        html = render_block(app, "fx_scenes", "broken", {}, worker, f"{M1}/g1")
    assert "该功能块暂不可用" in html
    assert "fx_scenes.broken failed to render" in caplog.text


def test_the_manifest_declares_events_actions_and_the_settings_version(plugged):
    app = plugged("fx_scenes")
    entry = state_of(app).host.get("fx_scenes").manifest.block_entries()["notes"]
    assert entry["emits"] == ["noted"] and entry["settings_version"] == 2
    assert entry["actions"][0]["input_schema"]["required"] == ["text"]
    block, _schema = state_of(app).blocks[("fx_scenes", "notes")]
    assert block.migrate_settings({"span": 5}, 1) == {"days": 5}


def test_code_and_manifest_that_disagree_are_refused():
    entry = {"name": "notes", "emits": ["noted"], "actions": [{"name": "remember"}], "settings_version": 2}
    events = {"events": {"emits": [{"name": "noted"}]}}
    bare = BlockType("fx", "notes", str)
    assert "动作与 manifest.json 不一致" in block_contract_problem(bare, entry, events)
    with_action = BlockType("fx", "notes", str, actions={"remember": print})
    assert "没有提供旧设置的迁移" in block_contract_problem(with_action, entry, events)
    assert "不在 manifest.json 的 events.emits 中" in block_contract_problem(with_action, entry, {"events": {}})


def test_resident_info_blocks_declare_what_they_emit(app):
    entries = state_of(app).host.get("resident_info").manifest.block_entries()
    assert entries["registration_form"]["emits"] == ["resident_registered", "resident_tagged"]
    assert entries["resident_list"]["icon"] == "list"
