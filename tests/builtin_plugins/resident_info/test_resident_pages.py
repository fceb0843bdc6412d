"""The pages, as a community admin uses them on a phone: the list with its filters, a
resident's page with masked values and the history, the registration form generated from
the schemas, and the edit form that refuses a stale save."""

import re

from resident_helpers import API, GRID, PLUGIN, RESIDENTS, make_id, masked_id, register

PAGES = f"/{PLUGIN}"


def test_the_list_page_finds_a_resident_by_the_last_4_digits_and_shows_the_id_masked(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    id_number = make_id("19460821", "046")
    register(client, name="陈淑珍", id_number=id_number)
    register(client, name="周杰", id_number=make_id("19900101", "017"))

    page = client.get(f"{PAGES}/?id_last4={id_number[-4:]}").get_data(as_text=True)

    assert "陈淑珍" in page and "周杰" not in page
    assert masked_id(id_number) in page and id_number not in page
    assert "共 1 人" in page


def test_a_bad_filter_on_the_list_page_says_what_is_wrong_in_chinese(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    page = client.get(f"{PAGES}/?min_age=老").get_data(as_text=True)
    assert "最小年龄 必须是 0 到 150 之间的整数。" in page and "min_age 必须" not in page


def test_the_registration_form_is_generated_from_the_schemas_with_help_and_county_fields(client, login_as, enabled):
    login_as("county_admin", "c1")
    client.put(
        f"{API}/fields",
        json={
            "schema": {
                "type": "object",
                "properties": {
                    "workplace": {"type": "string", "title": "工作单位", "description": "填写单位全称", "x-order": 1}
                },
            }
        },
    )
    client.logout()
    login_as("community_admin", "c1/s1/m1")

    page = client.get(f"{PAGES}/residents/new").get_data(as_text=True)

    labels = re.findall(r'<(?:label for="[^"]+"|legend)>([^<\n]+)', page)
    assert labels[:5] == ["姓名", "身份证号", "性别", "出生日期", "联系电话"]
    assert "18 位，最后一位可以是 X" in page  # the schema's help text
    assert 'name="extra.workplace"' in page and "填写单位全称" in page
    assert 'value="残疾"' in page and 'name="level_残疾"' in page


def test_the_registration_form_refuses_a_bad_id_in_chinese_and_stores_nothing(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    response = client.post(
        f"{PAGES}/residents/new",
        data={"name": "孙丽", "id_number": "11010519900307123", "org_path": GRID, "tags_shown": "1"},
    )
    assert response.status_code == 422
    assert "身份证号应为 18 位，当前为 17 位。" in response.get_data(as_text=True)
    assert "没有保存任何内容" in response.get_data(as_text=True)
    assert client.get(RESIDENTS).get_json()["total"] == 0


def test_the_registration_form_registers_and_shows_the_resident(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    response = client.post(
        f"{PAGES}/residents/new",
        data={
            "name": "孙丽",
            "id_number": make_id("19580612", "128"),
            "org_path": GRID,
            "phone": "0571-87654321",
            "registration": "floating",
            "tags_shown": "1",
            "tags": ["残疾", "独居老人"],
            "level_残疾": "3",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "居民已登记" in page
    assert "0571-****4321" in page and "流动人口" in page and "残疾 3级" in page


def test_the_edit_form_carries_the_version_and_never_the_full_id(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    created = register(client)
    page = client.get(f"{PAGES}/residents/{created['id']}/edit").get_data(as_text=True)
    assert 'name="version" value="1"' in page
    assert make_id() not in page and 'placeholder="****************' in page and "1990-03-07" not in page


def test_saving_the_edit_form_keeps_id_and_phone_when_left_empty(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    created = register(client, tags=[{"tag": "低保"}])
    response = client.post(
        f"{PAGES}/residents/{created['id']}/edit",
        data={
            "name": "王秀英",
            "org_path": GRID,
            "version": "1",
            "building": "3号楼",
            "unit": "",
            "room": "501",
            "registration": "registered",
            "status": "living",
            "tags_shown": "1",
            "tags": ["低保"],
        },
        follow_redirects=True,
    )
    assert "修改已保存" in response.get_data(as_text=True)
    now = client.get(f"{RESIDENTS}/{created['id']}").get_json()
    assert (now["room"], now["unit"], now["id_number"], now["phone"]) == (
        "501",
        None,
        created["id_number"],
        created["phone"],
    )


def test_a_stale_edit_form_is_refused_with_a_clear_message_and_nothing_overwritten(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    created = register(client)
    client.patch(f"{RESIDENTS}/{created['id']}", json={"version": 1, "room": "302"})

    response = client.post(
        f"{PAGES}/residents/{created['id']}/edit",
        data={
            "name": "王秀英",
            "org_path": GRID,
            "version": "1",
            "room": "999",
            "registration": "registered",
            "status": "living",
        },
    )

    assert response.status_code == 409
    assert "记录已被他人修改，请刷新后重试。" in response.get_data(as_text=True)
    assert client.get(f"{RESIDENTS}/{created['id']}").get_json()["room"] == "302"


def test_the_resident_page_shows_the_history_and_offers_merging_near_duplicates(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    keep = register(client, id_number=None, gender="male", birth_date="1990-03-07", phone=None)
    other = register(client)
    client.patch(f"{RESIDENTS}/{keep['id']}", json={"version": 1, "room": "302"})

    page = client.get(f"{PAGES}/residents/{keep['id']}").get_data(as_text=True)
    assert "修改历史" in page and "房号：301 → 302" in page
    assert "疑似重复的记录" in page and "合并到本记录" in page

    merged = client.post(
        f"{PAGES}/residents/{keep['id']}/merge",
        data={"merge_id": other["id"], "keep_version": "2", "merge_version": "1"},
        follow_redirects=True,
    )
    assert "记录已合并" in merged.get_data(as_text=True)
    assert client.get(f"{RESIDENTS}/{other['id']}").get_json()["merged_into_id"] == keep["id"]


def test_the_menu_shows_the_register_to_those_who_may_read_it(client, login_as, enabled):
    login_as("grid_feedback_worker", "c1/s1/m1/g1")
    assert "居民信息" in client.get("/").get_data(as_text=True)
