"""The visit record: pre-filled, a routine visit takes at most two typed fields, a resend
with the same client key stores it once, follow-ups are published for other modules."""

import uuid

from visits_helpers import GRID, drain, entry_id, register

from core.public import fields_to_type
from core.testing import assert_published, published_events, rows

ROUTINE = {
    "form": "home",
    "findings.health": "normal",
    "findings.living": "normal",
    "findings.safety": "normal",
    "findings.needs": "normal",
}


def _setup(visits, sign_in, make_user):
    worker_user = make_user("grid_feedback_worker", GRID)
    admin = sign_in(visits, "community_admin", "c1/s1/m1")
    person = register(admin, name="周桂芝", age=83, tags=("独居老人",))
    drain(visits)
    from core.testing import signed_in_client

    return signed_in_client(visits, worker_user), entry_id(visits, person["id"])


def test_a_routine_visit_needs_at_most_two_typed_fields():
    from plugins.special_visits.groups.defaults import DEFAULT_GROUPS
    from plugins.special_visits.visits.forms import routine_prefill, visit_schema

    for group in DEFAULT_GROUPS:
        checklist = tuple(group["checklist"])
        schema = visit_schema(checklist)
        assert fields_to_type(schema, routine_prefill(checklist)) == []
        assert len(fields_to_type(schema, routine_prefill(checklist), optional=True)) <= 2


def test_the_record_page_is_prefilled_with_what_is_known(visits, sign_in, make_user):
    worker, entry = _setup(visits, sign_in, make_user)
    page = worker.get(f"/special_visits/entries/{entry}").get_data(as_text=True)
    assert "周桂芝" in page and "3号楼2单元301" in page and "独居老人（70岁以上）" in page
    assert "138****5678" in page and "13812345678" not in page
    assert 'data-offline="special_visits.visit"' in page and 'name="client_key"' in page
    assert 'value="home" checked' in page or "checked" in page


def test_a_resend_with_the_same_client_key_stores_the_visit_once(visits, sign_in, make_user):
    worker, entry = _setup(visits, sign_in, make_user)
    key = str(uuid.uuid4())
    first = worker.post(f"/special_visits/entries/{entry}", data={**ROUTINE, "client_key": key})
    again = worker.post(f"/special_visits/entries/{entry}", data={**ROUTINE, "client_key": key})

    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert rows(visits, "SELECT count(*) FROM special_visits_visit")[0][0] == 1
    assert worker.get(first.headers["Location"]).status_code == 200


def test_a_malformed_client_key_is_refused_and_nothing_is_stored(visits, sign_in, make_user):
    worker, entry = _setup(visits, sign_in, make_user)
    response = worker.post(f"/special_visits/entries/{entry}", data={**ROUTINE, "client_key": "坏的 key"})
    assert response.status_code == 422
    assert rows(visits, "SELECT count(*) FROM special_visits_visit")[0][0] == 0


def test_a_visit_moves_the_due_date_on_and_a_follow_up_is_published(visits, sign_in, make_user):
    worker, entry = _setup(visits, sign_in, make_user)
    response = worker.post(
        f"/special_visits/entries/{entry}",
        data={
            **ROUTINE,
            "findings.safety": "attention",
            "follow_up": "true",
            "follow_up_note": "燃气灶老化",
            "client_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 303
    event = assert_published(visits, "special_visits.follow_up_requested", entry_id=entry)
    assert event["payload"]["findings_attention"] == ["safety"] and event["payload"]["note"] == "燃气灶老化"
    assert rows(visits, "SELECT due_date > joined_on FROM special_visits_entry WHERE id = :id", id=entry)[0][0]
    routine = worker.post(f"/special_visits/entries/{entry}", data={**ROUTINE, "client_key": str(uuid.uuid4())})
    assert routine.status_code == 303
    assert len(published_events(visits, "special_visits.follow_up_requested")) == 1


def test_a_bad_form_of_visit_is_named_and_nothing_is_stored(visits, sign_in, make_user):
    worker, entry = _setup(visits, sign_in, make_user)
    response = worker.post(f"/special_visits/entries/{entry}", data={**ROUTINE, "form": "carrier_pigeon"})
    assert response.status_code == 422
    assert "走访方式" in response.get_data(as_text=True)
    assert "carrier_pigeon" not in response.get_data(as_text=True)
    assert rows(visits, "SELECT count(*) FROM special_visits_visit")[0][0] == 0
