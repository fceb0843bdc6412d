"""Org nodes by name: the picker offers the actor's nodes by name, a typed name finds its node,
and templates show names (the chain as a tooltip), never a bare path."""

from flask import render_template_string

from core.db import session_scope
from core.orgs.picker import node_choices, node_from_text, nodes_matching
from core.tree.scope import DataScope


def choices_in(app, *roots):
    with app.app_context(), session_scope(app) as db:
        return node_choices(db, DataScope(roots))


def test_the_picker_offers_only_the_scope_by_name_in_tree_order(app, org_tree):
    choices = choices_in(app, "c1/s1/m1")
    assert [choice.label for choice in choices] == ["东湖街道 › 幸福社区", "东湖街道 › 幸福社区 › 幸福一网格"]
    assert "和平十网格" not in {choice.name for choice in choices}


def test_a_typed_name_finds_its_node_and_an_unclear_one_finds_none(app, org_tree):
    choices = choices_in(app, "c1")
    assert node_from_text(choices, "幸福一网格") == "c1/s1/m1/g1"
    assert node_from_text(choices, "幸福社区一网格") is None  # part of no chain
    assert node_from_text(choices, "幸福 社区 › 幸福一网格") == "c1/s1/m1/g1"
    assert node_from_text(choices, "c1/s2") == "c1/s2"  # a select sends the path
    assert {choice.name for choice in nodes_matching(choices, "网格")} == {"幸福一网格", "和平十网格", "青山二网格"}
    assert node_from_text(choices, "网格") is None  # three grids: not guessed


def test_a_name_outside_the_scope_is_not_found(app, org_tree):
    assert node_from_text(choices_in(app, "c1/s1"), "青山二网格") is None


def test_templates_show_a_node_by_name_with_its_chain_as_the_tooltip(app, org_tree):
    page = "{% from 'core/_place.html' import place %}{{ place('c1/s1/m12/g10') }}|{{ 'c1/s2'|place }}"
    with app.test_request_context():
        html = render_template_string(page)
    assert html == '<span class="place" title="东湖街道 › 和平社区 › 和平十网格">和平十网格</span>|西山镇'


def test_the_picker_is_a_select_of_names_that_works_without_javascript(app, org_tree):
    page = "{% from 'core/_place.html' import node_picker %}{{ node_picker('org_path', choices, 'c1/s1/m1/g1') }}"
    with app.test_request_context():
        html = render_template_string(page, choices=choices_in(app, "c1/s1/m1"))
    assert '<option value="c1/s1/m1/g1" title="东湖街道 › 幸福社区 › 幸福一网格" selected>' in html
    assert "　幸福一网格</option>" in html and "c1/s1/m1/g1</option>" not in html
