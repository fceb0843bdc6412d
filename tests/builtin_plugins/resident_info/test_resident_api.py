"""The register through its JSON API, as a community admin uses it: register, find, edit
with optimistic concurrency, history, events, near-duplicates and merging."""

from resident_helpers import API, GRID, RESIDENTS, audit_of, events_of, make_id, masked_id, person, register

from core.testing import rows


def test_a_community_admin_registers_a_resident_and_finds_them_by_the_last_4_digits(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    id_number = make_id("19480215", "332")
    created = register(client, id_number=id_number)

    found = client.get(f"{RESIDENTS}?id_last4={id_number[-4:]}").get_json()
    assert found["total"] == 1 and found["items"][0]["id"] == created["id"]
    assert found["items"][0]["id_number"] == masked_id(id_number)
    assert found["items"][0]["gender"] == "female" and found["items"][0]["birth_date"] is None  # the age shows
    assert client.get(f"{RESIDENTS}?id_last4=0000").get_json()["total"] == 0


def test_registering_writes_history_audit_and_events_in_one_go(app, client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    created = register(client, tags=[{"tag": "独居老人"}])

    assert events_of(app, "resident_registered") == [
        {"resident_id": created["id"], "org_path": GRID, "registration": "registered", "status": "living"}
    ]
    assert events_of(app, "resident_tagged") == [
        {"resident_id": created["id"], "org_path": GRID, "tag": "独居老人", "level": None}
    ]
    assert [target for _actor, target, _detail in audit_of(app, "resident_info.resident_registered")] == [
        f"resident_info_resident:{created['id']}"
    ]
    history = client.get(f"{RESIDENTS}/{created['id']}/history").get_json()["items"]
    assert [entry["action"] for entry in history] == ["registered"]
    assert history[0]["changes"]["id_number"] == {"old": None, "new": created["id_number"]}  # masked


def test_a_bad_id_number_is_refused_naming_the_field_and_nothing_is_stored(app, client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")

    response = client.post(RESIDENTS, json=person(id_number="１１０１０５１９９００３０７１２３４"))

    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["pointer"] == "/id_number"
    assert "半角" in response.get_json()["detail"]
    assert client.get(RESIDENTS).get_json()["total"] == 0
    assert rows(app, "SELECT count(*) FROM core_event WHERE type LIKE 'resident_info.%'")[0][0] == 0


def test_the_same_id_number_twice_in_one_county_is_refused_even_from_another_community(
    app, client, login_as, enabled, make_user
):
    login_as("community_admin", "c1/s2/m2")
    register(client, org_path="c1/s2/m2/g2")
    client.logout()
    login_as("community_admin", "c1/s1/m1")

    response = client.post(RESIDENTS, json=person())

    assert response.status_code == 409
    assert response.get_json()["pointer"] == "/id_number"
    assert response.get_json()["detail"] == "该身份证号已在本县登记，同一居民在一个县只能有一条记录。"
    assert "m2" not in response.get_data(as_text=True)  # the other record stays out of sight
    assert rows(app, "SELECT count(*) FROM resident_info_resident")[0][0] == 1


def test_near_duplicates_are_suggested_masked_but_the_registration_goes_through(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    first = register(client, id_number=None, gender="male", birth_date="1990-03-07", phone=None)

    second = client.post(RESIDENTS, json=person()).get_json()

    assert second["id"] != first["id"]
    assert [d["id"] for d in second["possible_duplicates"]] == [first["id"]]
    assert set(second["possible_duplicates"][0]) >= {"id", "name", "id_number", "org_path", "building"}


def test_an_edit_with_the_current_version_is_saved_and_shown_in_the_history(app, client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    created = register(client)

    response = client.patch(f"{RESIDENTS}/{created['id']}", json={"version": 1, "phone": "13987654321", "room": "302"})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["version"] == 2 and response.get_json()["phone"] == "139****4321"
    latest = client.get(f"{RESIDENTS}/{created['id']}/history").get_json()["items"][0]
    assert latest["action"] == "updated"
    assert latest["changes"] == {
        "phone": {"old": "138****5678", "new": "139****4321"},
        "room": {"old": "301", "new": "302"},
    }
    assert events_of(app, "resident_updated") == [
        {"resident_id": created["id"], "org_path": GRID, "fields": ["phone", "room"]}
    ]


def test_an_edit_based_on_a_stale_version_is_refused_and_nothing_is_overwritten(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    created = register(client)
    assert client.patch(f"{RESIDENTS}/{created['id']}", json={"version": 1, "room": "302"}).status_code == 200

    stale = client.patch(f"{RESIDENTS}/{created['id']}", json={"version": 1, "room": "999", "name": "王秀兰"})

    assert stale.status_code == 409
    assert stale.get_json()["detail"] == "记录已被他人修改，请刷新后重试。"
    now = client.get(f"{RESIDENTS}/{created['id']}").get_json()
    assert (now["room"], now["name"], now["version"]) == ("302", "王秀英", 2)


def test_an_edit_without_a_version_is_refused(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    created = register(client)
    response = client.patch(f"{RESIDENTS}/{created['id']}", json={"room": "302"})
    assert response.status_code == 422 and response.get_json()["pointer"] == "/version"


def test_masked_values_sent_back_unchanged_change_nothing(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    created = register(client)
    body = {key: created[key] for key in ("name", "id_number", "phone", "building", "unit", "room")}

    response = client.patch(f"{RESIDENTS}/{created['id']}", json={**body, "version": 1})

    assert response.status_code == 200 and response.get_json()["version"] == 1
    assert [e["action"] for e in client.get(f"{RESIDENTS}/{created['id']}/history").get_json()["items"]] == [
        "registered"
    ]


def test_tag_and_status_changes_publish_their_own_events(app, client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    created = register(client, tags=[{"tag": "低保"}, {"tag": "空巢老人"}])
    url = f"{RESIDENTS}/{created['id']}"

    client.patch(url, json={"version": 1, "tags": [{"tag": "低保"}, {"tag": "残疾", "level": 3}]})
    client.patch(url, json={"version": 2, "status": "deceased", "status_date": "2024-05-06"})

    base = {"resident_id": created["id"], "org_path": GRID}
    assert events_of(app, "resident_tagged")[2:] == [{**base, "tag": "残疾", "level": 3}]
    assert events_of(app, "resident_untagged") == [{**base, "tag": "空巢老人"}]
    assert events_of(app, "resident_deceased") == [{**base, "date": "2024-05-06"}]
    assert events_of(app, "resident_moved_out") == []


def test_the_list_filters_sorts_pages_and_counts(client, login_as, enabled):
    login_as("community_admin", "c1/s1")
    register(client, name="张桂兰", id_number=make_id("19400101", "002"), tags=[{"tag": "独居老人"}])
    register(client, name="张伟", id_number=make_id("19850101", "011"), building="5号楼")
    register(client, name="刘洋", id_number=make_id("20100101", "021"), org_path="c1/s1/m12/g10")

    def names(query):
        body = client.get(f"{RESIDENTS}?sort=id&{query}").get_json()
        return [item["name"] for item in body["items"]], body["total"]

    assert names("name=张") == (["张桂兰", "张伟"], 2)
    assert names("tag=独居老人") == (["张桂兰"], 1)
    assert names("building=5号楼") == (["张伟"], 1)
    assert names("org_path=c1/s1/m12") == (["刘洋"], 1)
    assert names("org_path=c1/s1/m1") == (["张桂兰", "张伟"], 2)
    assert names("min_age=70") == (["张桂兰"], 1)
    assert names("max_age=20") == (["刘洋"], 1)
    body = client.get(f"{RESIDENTS}?sort=-age").get_json()
    assert [item["name"] for item in body["items"]] == ["张桂兰", "张伟", "刘洋"]
    body = client.get(f"{RESIDENTS}?sort=-age&limit=1&offset=1").get_json()
    assert ([item["name"] for item in body["items"]], body["total"]) == (["张伟"], 3)


def test_bad_filter_values_are_refused_naming_the_parameter(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    for query, pointer in (
        ("id_last4=12", "/id_last4"),
        ("id_last4=１２３４", "/id_last4"),
        ("limit=0", "/limit"),
        ("limit=500", "/limit"),
        ("sort=password", "/sort"),
        ("status=away", "/status"),
        ("min_age=abc", "/min_age"),
        ("org_path=C1/../x", "/org_path"),
    ):
        response = client.get(f"{RESIDENTS}?{query}")
        assert response.status_code == 422 and response.get_json()["pointer"] == pointer, query


def test_a_merge_keeps_both_histories_and_hides_the_merged_record(app, client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    keep = register(client, id_number=None, gender="male", birth_date="1990-03-07", phone=None)
    other = register(client, tags=[{"tag": "低保"}])

    response = client.post(
        f"{RESIDENTS}/merge",
        json={"keep_id": keep["id"], "keep_version": 1, "merge_id": other["id"], "merge_version": 1},
    )

    assert response.status_code == 200, response.get_json()
    kept = response.get_json()
    assert kept["id_number"] == other["id_number"] and kept["phone"] == "138****5678"
    assert kept["tags"] == [{"tag": "低保"}]
    history = client.get(f"{RESIDENTS}/{keep['id']}/history").get_json()["items"]
    assert sorted(entry["action"] for entry in history) == ["merged", "merged_into", "registered", "registered"]
    assert client.get(f"{RESIDENTS}/{other['id']}").get_json()["merged_into_id"] == keep["id"]
    assert [item["id"] for item in client.get(RESIDENTS).get_json()["items"]] == [keep["id"]]
    assert [item["id"] for item in client.get(f"{RESIDENTS}?tag=低保").get_json()["items"]] == [keep["id"]]
    assert client.patch(f"{RESIDENTS}/{other['id']}", json={"version": 2, "room": "1"}).status_code == 409
    assert [detail for _a, _t, detail in audit_of(app, "resident_info.resident_merged")][0]["merged"] == other["id"]
    assert events_of(app, "resident_merged") == [
        {"resident_id": keep["id"], "org_path": GRID, "merged_id": other["id"]}
    ]


def test_two_records_with_different_id_numbers_are_not_merged(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    one = register(client)
    two = register(client, id_number=make_id(sequence="133"))
    response = client.post(
        f"{RESIDENTS}/merge", json={"keep_id": one["id"], "keep_version": 1, "merge_id": two["id"], "merge_version": 1}
    )
    assert response.status_code == 422 and "身份证号不同" in response.get_json()["detail"]
    assert client.get(RESIDENTS).get_json()["total"] == 2


def test_a_household_gets_its_head_and_lists_its_members_masked(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    household = client.post(f"{API}/households", json={"org_path": GRID, "building": "3号楼", "room": "301"})
    assert household.status_code == 201, household.get_json()
    household_id = household.get_json()["id"]
    head = register(client, household_id=household_id, relation_to_head="head")
    register(
        client, name="王小明", id_number=make_id("20150505", "017"), household_id=household_id, relation_to_head="child"
    )

    found = client.get(f"{API}/households/{household_id}").get_json()

    assert found["head_resident_id"] == head["id"]
    assert [(m["name"], m["relation_to_head"]) for m in found["members"]] == [("王秀英", "head"), ("王小明", "child")]
    assert all("*" in m["id_number"] for m in found["members"])
    assert client.get(f"{API}/households").get_json()["total"] == 1
