"""What the trigger editor's menus are built from (scenario_builder/web/trigger_menus.py), with
the real plugins: each event a block emits by its Chinese title with its payload fields named
and typed, fixed choices by their names, the event's node never offered; each action with its
input fields and which are required. The menus themselves: tests/ui/test_trigger_editor_browser.py."""

import pytest

from core.public import block_offers
from scenario_builder.web.trigger_menus import accepted, emitted


@pytest.fixture
def offers(with_plugins, org_tree):
    app = with_plugins("resident_info", "special_visits", "scenario_builder", enabled_at="c1")
    with app.app_context():
        yield block_offers()


def test_an_event_is_offered_by_its_title_with_named_typed_payload_fields(offers):
    events = {e["name"]: e for e in emitted(offers[("resident_info", "registration_form")])}
    tagged = events["resident_tagged"]
    assert tagged["title"] == "居民新增了标签"
    assert [(f["title"], f["type"]) for f in tagged["fields"]] == [
        ("居民编号", "integer"),
        ("标签", "string"),
        ("等级", "integer"),  # nullable, still a number
    ]
    status = next(f for f in events["resident_registered"]["fields"] if f["name"] == "status")
    assert status["enum"] == [["living", "在住"], ["moved_out", "已迁出"], ["deceased", "死亡"]]


def test_an_action_lists_its_inputs_and_which_are_required(offers):
    [visit_soon] = accepted(offers[("special_visits", "my_roster")])
    assert visit_soon["title"] == "安排尽快走访"
    assert [(f["title"], f["type"], f["required"]) for f in visit_soon["fields"]] == [
        ("居民编号", "integer", True),
        ("几天内走访", "integer", False),
    ]
    assert accepted(offers[("special_visits", "coverage_board")]) == []
