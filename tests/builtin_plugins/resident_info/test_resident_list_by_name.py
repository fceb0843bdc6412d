"""The list's 网格 filter by name: a name typed (or sent in the address) finds that node's
residents; a name that fits no node of one's scope, or several, says so in Chinese and lists
no one — never everyone. Nodes are shown by name, below the reader's own node."""

import re

from resident_helpers import PLUGIN, make_id, register

PAGES = f"/{PLUGIN}"


def _two_grids(client, login_as):
    login_as("street_admin", "c1/s1")
    register(client, name="陈淑珍", id_number=make_id("19460821", "046"), org_path="c1/s1/m1/g1")
    register(client, name="周杰", id_number=make_id("19900101", "017"), org_path="c1/s1/m12/g10")


def _listed(page):
    return re.findall(r'<td class="primary"><a href="[^"]+">([^<]+)</a>', page)


def test_a_grid_typed_by_name_lists_only_its_residents(client, login_as, enabled):
    _two_grids(client, login_as)
    page = client.get(f"{PAGES}/", query_string={"org_name": "和平十网格"}).get_data(as_text=True)
    assert _listed(page) == ["周杰"]
    assert "共 1 人" in page


def test_a_name_in_the_picker_field_itself_is_read_as_a_name(client, login_as, enabled):
    _two_grids(client, login_as)
    page = client.get(f"{PAGES}/", query_string={"org_path": "幸福社区"}).get_data(as_text=True)
    assert _listed(page) == ["陈淑珍"]


def test_a_name_that_fits_several_nodes_says_so_and_lists_no_one(client, login_as, enabled):
    _two_grids(client, login_as)
    page = client.get(f"{PAGES}/", query_string={"org_name": "幸福"}).get_data(as_text=True)
    assert "网格：有 2 个网格或社区与这个名称相符" in page
    assert _listed(page) == [] and "共 " not in page


def test_an_unknown_name_or_a_node_outside_ones_scope_says_so_and_lists_no_one(client, login_as, enabled):
    _two_grids(client, login_as)
    for args in ({"org_name": "第2网格"}, {"org_path": "c1/s2/m2/g2"}, {"org_name": "青山二网格"}):
        page = client.get(f"{PAGES}/", query_string=args).get_data(as_text=True)
        assert "网格：您的管理范围内没有这个名称的网格或社区" in page, args
        assert _listed(page) == [], args
        assert "第2网格" not in page.split('role="alert"')[1][:200]  # the reason never echoes the text


def test_a_picked_node_wins_over_a_search_text_that_fits_it(client, login_as, enabled):
    _two_grids(client, login_as)
    picked = {"org_path": "c1/s1/m1/g1", "org_name": "幸福"}  # narrowed by 幸福, then picked
    assert _listed(client.get(f"{PAGES}/", query_string=picked).get_data(as_text=True)) == ["陈淑珍"]


def test_the_list_names_each_grid_below_the_readers_own_node_never_by_its_path(client, login_as, enabled):
    _two_grids(client, login_as)
    page = client.get(f"{PAGES}/").get_data(as_text=True)
    assert ">幸福社区 › 幸福一网格</span>" in page and ">和平社区 › 和平十网格</span>" in page
    visible = re.sub(r"<[^>]+>", " ", page)
    assert not re.search(r"\bc\d+(/[smg]\d+)+\b", visible)


def test_the_api_takes_a_node_name_and_refuses_an_unclear_one_naming_org_name(client, login_as, enabled):
    _two_grids(client, login_as)
    found = client.get("/api/v1/resident_info/residents", query_string={"org_name": "和平社区"}).get_json()
    assert [item["name"] for item in found["items"]] == ["周杰"] and found["items"][0]["org_path"] == "c1/s1/m12/g10"
    unclear = client.get("/api/v1/resident_info/residents", query_string={"org_name": "网格"})
    assert unclear.status_code == 422 and unclear.get_json()["pointer"] == "/org_name"
    export = client.get("/api/v1/resident_info/residents/export", query_string={"org_name": "青山二网格"})
    assert export.status_code == 422 and "管理范围内没有" in export.get_json()["detail"]
