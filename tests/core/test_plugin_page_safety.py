"""The plugins page before an admin switches a module off: it asks, naming the node and how
many nodes below lose the module; it says where each state comes from; and it offers no
action that a forbid from above has made impossible."""

import re

from core.plugin_system.node_states import node_state
from tests.core.test_plugin_enablement import put_state, state_at


def test_disabling_at_a_street_asks_first_naming_the_street_and_the_nodes_below(plugged, sign_in_as):
    county = sign_in_as(plugged("fx_pages"), "county")
    put_state(county, "c1", "enabled")
    asked = county.post("/plugins/fx_pages/state", data={"node_id": "s1", "state": "disabled"})
    page = asked.get_data(as_text=True)
    # 东湖街道 itself, 幸福社区 and 和平社区 and their two grids: five nodes, four below it.
    assert asked.status_code == 200 and "确认在“东湖街道”停用“测试页面”" in page
    assert "共 5 个节点将不能再使用该模块（其中下级 4 个）" in page and "不会删除任何记录" in page
    assert state_at(county, "s1") == "enabled"  # nothing changed before the answer
    done = county.post("/plugins/fx_pages/state", data={"node_id": "s1", "state": "disabled", "confirmed": "1"})
    assert done.status_code == 302 and state_at(county, "s1") == "disabled" and state_at(county, "m1") == "disabled"


def test_a_change_that_switches_nothing_off_needs_no_confirmation(plugged, sign_in_as):
    county = sign_in_as(plugged("fx_pages"), "county")
    # Off everywhere already: disabling the street changes what nobody uses.
    response = county.post("/plugins/fx_pages/state", data={"node_id": "s1", "state": "disabled"})
    assert response.status_code == 302 and state_at(county, "s1") == "disabled"


def test_the_page_says_where_each_state_comes_from(plugged, sign_in_as):
    county = sign_in_as(plugged("fx_pages"), "county")
    put_state(county, "c1", "enabled")
    assert "在本节点设置" in county.get("/plugins?node=c1").get_data(as_text=True)
    assert "继承自“示范县”" in county.get("/plugins?node=m1").get_data(as_text=True)
    put_state(county, "s1", "forbidden")
    below = county.get("/plugins?node=g1").get_data(as_text=True)
    assert "由上级“东湖街道”禁止，本级不能更改" in below


def test_under_a_forbid_from_above_no_action_is_offered(plugged, sign_in_as):
    app = plugged("fx_pages")
    put_state(sign_in_as(app, "county"), "s1", "forbidden")
    page = sign_in_as(app, "m1").get("/plugins?node=m1").get_data(as_text=True)
    row = re.search(r'<li class="item" data-plugin="fx_pages">.*?</li>', page, re.S).group(0)
    assert "由上级“东湖街道”禁止" in row and 'name="state"' not in row


def test_the_node_list_shows_names_not_paths(plugged, sign_in_as):
    page = sign_in_as(plugged("fx_pages"), "county").get("/plugins").get_data(as_text=True)
    visible = re.sub(r"<[^>]+>", " ", page)  # a path may be an option's value, never its text
    assert 'title="东湖街道 › 幸福社区"' in page and "幸福社区" in visible and "c1/s1/m1" not in visible


def test_a_typed_node_name_opens_that_node_and_an_unclear_one_says_so(plugged, sign_in_as):
    county = sign_in_as(plugged("fx_pages"), "county")
    page = county.get("/plugins?node=幸福社区").get_data(as_text=True)
    assert '<option value="c1/s1/m1" title="东湖街道 › 幸福社区" selected>' in page
    unclear = county.get("/plugins?node=网格").get_data(as_text=True)
    assert "组织节点：有 3 个组织符合" in unclear and "网格</p>" not in unclear


def test_offered_settings_leave_out_the_one_already_set_and_forbid_without_the_right():
    assert node_state([], "c1/s1").offered(may_forbid=False) == ("enabled", "disabled")
    assert node_state([("c1", "enabled")], "c1/s1").offered(may_forbid=True) == ("enabled", "disabled", "forbidden")
    here = node_state([("c1/s1", "enabled")], "c1/s1")
    assert here.offered(may_forbid=False) == ("disabled", "inherit")
    forbidden_here = node_state([("c1/s1", "forbidden")], "c1/s1")
    assert forbidden_here.offered(may_forbid=False) == ()
    assert forbidden_here.offered(may_forbid=True) == ("enabled", "disabled", "inherit")
    assert node_state([("c1", "forbidden")], "c1/s1").offered(may_forbid=True) == ()
