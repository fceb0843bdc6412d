"""County tags change under existing records (outside probe, issue 9 §5): a tag reclassified
as sensitive hides at once on the residents who hold it — in lists, details, the tag filter
and history — and a tag the county removes never locks a record."""

import pytest
from resident_helpers import API, RESIDENTS, audit_of, register

from core.testing import GridworkClient

FIELDS = f"{API}/fields"
PAGES = "/resident_info"
OPEN_SCHEMA = {"type": "object", "properties": {}}


def county_tags(client, *tags):
    answer = client.put(FIELDS, json={"schema": OPEN_SCHEMA, "tags": list(tags)})
    assert answer.status_code == 200, answer.get_json()


@pytest.fixture
def tagged(app, client, login_as, make_user, enabled):
    """A resident tagged 信访重点 (a county tag, at first not sensitive), and a grid worker
    (no read_health); returns (resident, the county admin's client, the worker's client)."""
    login_as("county_admin", "c1")
    county_tags(client, {"tag": "信访重点", "sensitive": False})
    resident = register(client, tags=[{"tag": "信访重点"}])
    worker = GridworkClient(app.test_client())
    worker.login(make_user("grid_feedback_worker", "c1/s1/m1").username)
    return resident, client, worker


def worker_sees_tag(worker, resident):
    item = worker.get(f"{RESIDENTS}/{resident['id']}").get_json()
    found = worker.get(f"{RESIDENTS}?tag=信访重点").get_json()["total"]
    history = worker.get(f"{RESIDENTS}/{resident['id']}/history").get_json()["items"]
    page = worker.get(f"{PAGES}/residents/{resident['id']}").get_data(as_text=True)
    return ["信访重点" in str(item["tags"]), found == 1, "信访重点" in str(history), "信访重点" in page]


def test_a_tag_reclassified_as_sensitive_hides_at_once_on_the_residents_who_hold_it(tagged):
    resident, admin, worker = tagged
    assert worker_sees_tag(worker, resident) == [True, True, True, True]
    county_tags(admin, {"tag": "信访重点", "sensitive": True})
    assert worker_sees_tag(worker, resident) == [False, False, False, False]
    assert admin.get(f"{RESIDENTS}?tag=信访重点").get_json()["total"] == 1  # read_health still finds them
    county_tags(admin, {"tag": "信访重点", "sensitive": False})
    assert worker_sees_tag(worker, resident) == [True, True, True, True]


def test_reclassifying_is_audited_with_the_number_of_residents_it_touched(app, tagged):
    _resident, admin, _worker = tagged
    county_tags(admin, {"tag": "信访重点", "sensitive": True})
    assert [detail["residents_reclassified"] for _a, _t, detail in audit_of(app, "resident_info.fields_updated")] == [
        0,
        1,
    ]


def test_a_removed_tag_never_locks_a_record_and_stays_until_someone_unticks_it(tagged):
    resident, admin, _worker = tagged
    county_tags(admin)  # the county removes 信访重点
    edited = admin.patch(f"{RESIDENTS}/{resident['id']}", json={"version": 1, "notes": "已回访"})
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["tags"] == [{"tag": "信访重点"}]
    form = admin.get(f"{PAGES}/residents/{resident['id']}/edit").get_data(as_text=True)
    assert 'value="信访重点" checked' in form and "（已停用）" in form
    cleared = admin.patch(f"{RESIDENTS}/{resident['id']}", json={"version": 2, "tags": []})
    assert cleared.status_code == 200 and cleared.get_json()["tags"] == []
    again = admin.patch(f"{RESIDENTS}/{resident['id']}", json={"version": 3, "tags": [{"tag": "信访重点"}]})
    assert again.status_code == 422 and again.get_json()["pointer"] == "/tags/0/tag"  # a new one may not be added
