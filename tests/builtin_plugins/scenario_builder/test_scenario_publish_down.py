"""Publish down (下发): a county offers a scenario to its communities as a template; a
community adopts its own copy and changes a setting; when the county offers a new version
the community sees what changed in words and accepts it with its own change kept, or keeps
its copy as it is."""

import pytest
from scenario_helpers import FIXTURES, M1, document, notes

from core.testing import rows, signed_in_client

OTHER_STREET_COMMUNITY = "c1/s2/m2"


@pytest.fixture
def app(with_plugins, org_tree):
    return with_plugins("scenario_builder", "fx_scenes=fx_scenes.hooks", search_path=FIXTURES, enabled_at=["c1"])


@pytest.fixture
def county(app, make_user):
    return signed_in_client(app, make_user("county_admin", "c1"))


@pytest.fixture
def community(app, make_user):
    return signed_in_client(app, make_user("community_admin", M1))


def offered_scenario(county, org_path="c1"):
    response = county.post("/api/v1/scenarios", json={"org_path": org_path, "document": document(notes(7))})
    scenario_id = response.get_json()["id"]
    assert county.post(f"/api/v1/scenarios/{scenario_id}/offer", json={}).status_code == 200
    return scenario_id


def adopted_copy(county, community):
    source_id = offered_scenario(county)
    assert [item["id"] for item in community.get("/api/v1/scenarios/offered").get_json()["items"]] == [source_id]
    response = community.post(f"/api/v1/scenarios/offered/{source_id}/adopt", json={"org_path": M1})
    assert response.status_code == 201, response.get_json()
    copy_id = response.get_json()["id"]
    mine = document(notes(3))  # the community's own change: 3 days instead of 7
    assert community.put(f"/api/v1/scenarios/{copy_id}", json={"based_on": 1, "document": mine}).status_code == 200
    return source_id, copy_id


def offer_new_version(county, source_id):
    changed = document(notes(7, heading="高温提醒"), notes(10))
    assert county.put(f"/api/v1/scenarios/{source_id}", json={"based_on": 1, "document": changed}).status_code == 200
    assert county.post(f"/api/v1/scenarios/{source_id}/offer", json={}).status_code == 200


def test_the_community_sees_the_new_version_in_words_and_accepts_it_keeping_its_own_setting(county, community):
    source_id, copy_id = adopted_copy(county, community)
    assert community.get(f"/api/v1/scenarios/{copy_id}/upstream").get_json()["news"] is None
    offer_new_version(county, source_id)
    news = community.get(f"/api/v1/scenarios/{copy_id}/upstream").get_json()["news"]
    assert (news["from"], news["to"]) == (1, 2)
    assert news["changes"] == ['「记事」的设置「标题」由 （空） 改为 "高温提醒"', "在第 2 位新增功能块「记事」"]
    assert community.post(f"/api/v1/scenarios/{copy_id}/upstream/accept", json={"based_on": 2}).status_code == 200
    blocks = community.get(f"/api/v1/scenarios/{copy_id}").get_json()["document"]["blocks"]
    assert [b["settings"] for b in blocks] == [{"days": 3, "heading": "高温提醒"}, {"days": 10}]
    assert community.get(f"/api/v1/scenarios/{copy_id}/upstream").get_json()["news"] is None


def test_the_community_may_keep_its_old_copy(county, community):
    source_id, copy_id = adopted_copy(county, community)
    offer_new_version(county, source_id)
    assert community.post(f"/api/v1/scenarios/{copy_id}/upstream/decline", json={}).status_code == 200
    assert community.get(f"/api/v1/scenarios/{copy_id}/upstream").get_json()["news"] is None
    blocks = community.get(f"/api/v1/scenarios/{copy_id}").get_json()["document"]["blocks"]
    assert [b["settings"] for b in blocks] == [{"days": 3}]
    refused = community.post(f"/api/v1/scenarios/{copy_id}/upstream/accept", json={"based_on": 2})
    assert refused.status_code == 409


def test_only_the_nodes_below_see_or_adopt_an_offer_and_a_community_cannot_offer(app, county, community, make_user):
    source_id = offered_scenario(county, org_path="c1/s1")  # offered by the street s1
    outsider = signed_in_client(app, make_user("community_admin", OTHER_STREET_COMMUNITY))
    assert outsider.get("/api/v1/scenarios/offered").get_json()["items"] == []
    adopt = outsider.post(f"/api/v1/scenarios/offered/{source_id}/adopt", json={"org_path": OTHER_STREET_COMMUNITY})
    assert adopt.status_code == 404
    foreign = community.post(f"/api/v1/scenarios/offered/{source_id}/adopt", json={"org_path": OTHER_STREET_COMMUNITY})
    assert foreign.status_code == 403
    own = community.post("/api/v1/scenarios", json={"org_path": M1, "document": document(notes(3))}).get_json()["id"]
    refused = community.post(f"/api/v1/scenarios/{own}/offer", json={})
    assert refused.status_code == 422 and "只有县、街道" in refused.get_json()["detail"]
    assert rows(app, "SELECT count(*) FROM scenario_builder_scenario WHERE adopted_from IS NOT NULL") == [(0,)]


def test_on_the_pages_the_community_adopts_then_sees_the_changes_and_accepts(county, community):
    source_id = offered_scenario(county)
    listing = community.get("/scenarios/").get_data(as_text=True)
    assert "上级下发" in listing and "采用" in listing and "c1" not in listing.split("上级下发")[1][:20]
    response = community.post(f"/scenarios/offered/{source_id}/adopt", data={})
    assert response.status_code == 302
    copy_page = response.headers["Location"]
    assert "下发了第" not in community.get(copy_page).get_data(as_text=True)
    offer_new_version(county, source_id)
    page = community.get(copy_page).get_data(as_text=True)
    assert "上级「高温关爱」下发了第 2 版" in page and "在第 2 位新增功能块「记事」" in page
    assert "保留现有版本" in page
    copy_id = int(copy_page.rstrip("/").rsplit("/", 1)[1])
    accepted = community.post(f"/scenarios/{copy_id}/upstream/accept", data={})
    page = community.get(accepted.headers["Location"]).get_data(as_text=True)
    assert "已采用上级的新版本" in page and "下发了第" not in page


def offer_notices(client):
    items = client.get("/api/v1/inbox?status=open").get_json()["items"]
    return [(item["title"], item["link"]) for item in items if "上级更新了下发的场景" in item["title"]]


@pytest.mark.parametrize("choice", ["accept", "decline"])
def test_a_new_offer_reaches_the_adopting_community_s_inbox_once_and_settles_with_its_choice(county, community, choice):
    source_id, copy_id = adopted_copy(county, community)
    assert offer_notices(community) == []  # adopting the first version needs no decision
    offer_new_version(county, source_id)
    assert county.post(f"/api/v1/scenarios/{source_id}/offer", json={}).status_code == 200  # offered again
    [(title, link)] = offer_notices(community)
    assert "第 2 版" in title and link == f"/scenarios/{copy_id}"
    assert offer_notices(county) == []  # the county's own inbox is not the place
    body = {"based_on": 2} if choice == "accept" else {}
    assert community.post(f"/api/v1/scenarios/{copy_id}/upstream/{choice}", json=body).status_code == 200
    assert offer_notices(community) == []
