"""A list filter's node: a path or a typed name finds one node; a name that fits none or
several is a Chinese message naming the field (never echoing what was typed), not all rows."""

from core.db import session_scope
from core.orgs.node_filter import node_filter
from core.orgs.picker import node_choices
from core.tree.scope import DataScope


def county_choices(app):
    with app.app_context(), session_scope(app) as db:
        return node_choices(db, DataScope(("c1",)))


def test_a_path_or_a_name_finds_the_node_and_no_text_means_no_filter(app, org_tree):
    choices = county_choices(app)
    assert node_filter(choices, "c1/s2").path == "c1/s2"
    assert node_filter(choices, " 幸福一网格 ").path == "c1/s1/m1/g1"
    assert node_filter(choices, "").path == "" and not node_filter(choices, "").unclear


def test_an_unclear_name_says_so_in_chinese_without_echoing_it(app, org_tree):
    choices = county_choices(app)
    with app.test_request_context():
        several = node_filter(choices, "网格", "所属网格")
        none = node_filter(choices, "<b>不存在的社区</b>", "所属网格")
    assert several.unclear and several.path == "" and several.problem.startswith("所属网格：有 3 个组织符合")
    assert none.unclear and none.path == "" and "没有找到" in none.problem and "不存在" not in none.problem
