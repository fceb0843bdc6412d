"""Finding residents by the start of their name (姓名以…开头): Chinese prefixes, characters
at the edges of Unicode, LIKE wildcards taken literally, and the data scope still applying."""

import pytest
from resident_helpers import RESIDENTS, register

from core.public import after_prefix
from core.state import state_of


def named(client, *names, org_path="c1/s1/m1/g1", **fields):
    """Register residents without ID numbers (none needed), one per name; their ids by name."""
    return {
        name: register(
            client,
            name=name,
            id_number=None,
            gender="female",
            birth_date="1950-01-01",
            phone=None,
            org_path=org_path,
            **fields,
        )["id"]
        for name in names
    }


def names_found(client, **query):
    response = client.get(RESIDENTS, query_string=query)
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["total"] == len(answer["items"])  # every test list fits on one page
    return [item["name"] for item in answer["items"]]


@pytest.fixture
def admin_of_m1(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    return client


def test_a_community_admin_finds_residents_whose_name_starts_with_a_chinese_prefix(admin_of_m1):
    named(admin_of_m1, "王秀英", "王小明", "王", "汪洋", "李王氏", "王秀")

    assert names_found(admin_of_m1, name_prefix="王") == ["王", "王小明", "王秀", "王秀英"]
    assert names_found(admin_of_m1, name_prefix="王秀") == ["王秀", "王秀英"]
    assert names_found(admin_of_m1, name_prefix="王秀英") == ["王秀英"]
    assert names_found(admin_of_m1, name_prefix="王秀英华") == []
    assert names_found(admin_of_m1, name_prefix=" 王秀 ") == ["王秀", "王秀英"]  # trimmed like the names


def test_a_full_width_prefix_finds_the_name_as_it_was_stored(admin_of_m1):
    named(admin_of_m1, "Wang Fang", "wang xiu")

    assert names_found(admin_of_m1, name_prefix="Ｗａｎｇ") == ["Wang Fang"]  # NFKC, like the stored names


def test_percent_underscore_and_backslash_in_a_prefix_are_plain_characters(admin_of_m1):
    named(admin_of_m1, "王%二", "王大", "王_一", "王a一", "王\\三", "王三")

    assert names_found(admin_of_m1, name_prefix="王%") == ["王%二"]
    assert names_found(admin_of_m1, name_prefix="王_") == ["王_一"]
    assert names_found(admin_of_m1, name_prefix="王\\") == ["王\\三"]
    assert names_found(admin_of_m1, name_prefix="%") == []


def test_prefixes_ending_at_the_top_of_a_unicode_range_find_exactly_their_names(admin_of_m1):
    named(admin_of_m1, "王\uffff甲", "王\U00010000乙", "王\U0010ffff丙", "玌", "\ud7ff丁", "\ue000戊")

    assert names_found(admin_of_m1, name_prefix="王\uffff") == ["王\uffff甲"]
    assert names_found(admin_of_m1, name_prefix="王\U0010ffff") == ["王\U0010ffff丙"]
    assert names_found(admin_of_m1, name_prefix="\ud7ff") == ["\ud7ff丁"]
    assert names_found(admin_of_m1, name_prefix="\U0010ffff") == []


def test_the_end_of_a_prefix_range_carries_past_the_last_code_point_and_skips_surrogates():
    assert after_prefix("王") == "玌"
    assert after_prefix("王\uffff") == "王\U00010000"
    assert after_prefix("王\U0010ffff") == "玌"
    assert after_prefix("\ud7ff") == "\ue000"
    assert after_prefix("\U0010ffff\U0010ffff") is None


def test_the_prefix_combines_with_the_tag_and_the_grid(admin_of_m1):
    named(admin_of_m1, "王一", "王二", tags=[{"tag": "独居老人"}])
    named(admin_of_m1, "王三", "李四", tags=[{"tag": "独居老人"}], org_path="c1/s1/m1")
    named(admin_of_m1, "王五")

    assert names_found(admin_of_m1, name_prefix="王", tag="独居老人") == ["王一", "王三", "王二"]
    assert names_found(admin_of_m1, name_prefix="王", tag="独居老人", org_path="c1/s1/m1/g1") == ["王一", "王二"]
    assert names_found(admin_of_m1, name_prefix="王", org_path="c1/s1/m1", sort="-name") == [
        "王五",
        "王二",
        "王三",
        "王一",
    ]


def test_the_data_scope_still_applies_to_a_name_prefix(client, login_as, enabled):
    login_as("street_admin", "c1")
    named(client, "王在m1")
    named(client, "王在m12", org_path="c1/s1/m12/g10")  # m1's prefix trap
    named(client, "王在m2", org_path="c1/s2/m2/g2")
    client.logout()

    login_as("community_admin", "c1/s1/m1")
    assert names_found(client, name_prefix="王") == ["王在m1"]
    assert names_found(client, name_prefix="王", org_path="c1/s1/m12") == []
    assert names_found(client, name_prefix="王", org_path="c1") == ["王在m1"]
    client.logout()

    login_as("street_admin", "c1/s1")
    assert names_found(client, name_prefix="王", org_path="c1/s1/m1") == ["王在m1"]
    assert names_found(client, name_prefix="王") == ["王在m1", "王在m12"]
    assert names_found(client, name_prefix="王", org_path="c1/s2/m2") == []


def test_a_too_long_prefix_is_refused_naming_the_field(admin_of_m1, app):
    named(admin_of_m1, "王" * 50)

    response = admin_of_m1.get(RESIDENTS, query_string={"name_prefix": "王" * 51})

    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["pointer"] == "/name_prefix"
    assert response.get_json()["detail"] == "姓名开头最多 50 个字。"
    assert names_found(admin_of_m1, name_prefix="王" * 50) == ["王" * 50]


def test_a_control_character_in_the_prefix_is_refused(admin_of_m1):
    response = admin_of_m1.get(RESIDENTS, query_string={"name_prefix": "王\x00"})

    assert response.status_code == 422
    assert response.get_json()["pointer"] == "/name_prefix"
    assert "控制字符" in response.get_json()["detail"]


def test_the_list_page_filters_by_name_prefix_and_keeps_it_in_the_form(admin_of_m1):
    named(admin_of_m1, "王秀英", "李秀英")

    page = admin_of_m1.get("/resident_info/", query_string={"name_prefix": "王"}).get_data(as_text=True)

    assert 'name="name_prefix" value="王"' in page
    assert "王秀英" in page and "李秀英" not in page


def test_the_resident_list_block_keeps_a_saved_name_prefix(app, admin_of_m1, make_user):
    from core.auth.actor import Actor

    named(admin_of_m1, "王秀英", "李秀英")
    block, schema = state_of(app).blocks[("resident_info", "resident_list")]
    assert "name_prefix" in schema["properties"]["filter"]["properties"]
    actor = Actor.from_user(make_user("community_admin", "c1/s1/m1"))
    with app.test_request_context():
        html = block.render({"filter": {"name_prefix": "王"}}, {"org_path": "c1/s1/m1", "actor": actor})
    assert "王秀英" in html and "李秀英" not in html


def test_the_migrations_create_the_index_the_lists_read(app):
    from sqlalchemy import inspect

    from core.db import engine_of

    indexes = {
        index["name"]: index["column_names"] for index in inspect(engine_of(app)).get_indexes("resident_info_resident")
    }
    assert indexes["ix_resident_info_resident_org_path_name"] == ["org_path", "name", "merged_into_id"]
