"""Overdue visits by the core's clock: announced once (event, worker's inbox), escalated to
the community admin after the group's grace period (inbox, event, shown on the entry), and
closed by a visit."""

import uuid
from datetime import date

from visits_helpers import GRID, drain, entry_id, inbox_titles, register

from core.testing import published_events, run_due_jobs, signed_in_client

ROUTINE = {
    "form": "phone",
    "findings.health": "normal",
    "findings.living": "normal",
    "findings.safety": "normal",
    "findings.needs": "normal",
}


def test_an_overdue_visit_escalates_after_the_grace_period_and_a_visit_closes_it(visits, make_user, clock):
    clock.set(date(2026, 7, 1))  # a Wednesday; elderly living alone: weekly, 2 days' grace
    worker_user = make_user("grid_feedback_worker", GRID)
    admin_user = make_user("community_admin", "c1/s1/m1")
    person = register(signed_in_client(visits, admin_user), name="孙秀珍", age=84)
    drain(visits)
    entry = entry_id(visits, person["id"])

    clock.advance(days=8)  # due 07-08, now 07-09: overdue
    run_due_jobs(visits)
    assert [e["payload"]["entry_id"] for e in published_events(visits, "special_visits.visit_overdue")] == [entry]
    assert any("走访逾期：孙秀珍" in title for title in inbox_titles(signed_in_client(visits, worker_user)))
    assert not any("孙秀珍" in title for title in inbox_titles(signed_in_client(visits, admin_user)))
    run_due_jobs(visits)
    clock.advance(minutes=20)
    run_due_jobs(visits)
    assert len(published_events(visits, "special_visits.visit_overdue")) == 1  # once per due date

    clock.advance(days=2)  # past 07-08 + 1 + 2 days' grace
    run_due_jobs(visits)
    assert any("逾期 2 天以上：孙秀珍" in title for title in inbox_titles(signed_in_client(visits, admin_user)))
    assert [e["payload"]["entry_id"] for e in published_events(visits, "special_visits.visit_escalated")] == [entry]
    assert "逾期已上报社区管理员" in signed_in_client(visits, admin_user).get(
        f"/special_visits/entries/{entry}"
    ).get_data(as_text=True)

    worker = signed_in_client(visits, worker_user)
    assert (
        worker.post(f"/special_visits/entries/{entry}", data={**ROUTINE, "client_key": str(uuid.uuid4())}).status_code
        == 303
    )
    assert not any("孙秀珍" in title for title in inbox_titles(signed_in_client(visits, admin_user)))
    assert not any("孙秀珍" in title for title in inbox_titles(signed_in_client(visits, worker_user)))
    listed = worker.get("/api/v1/special_visits/entries?view=overdue").get_json()
    assert listed["total"] == 0


def test_a_visit_before_the_grace_period_ends_means_no_escalation(visits, make_user, clock):
    clock.set(date(2026, 7, 1))
    worker_user = make_user("grid_feedback_worker", GRID)
    admin_user = make_user("community_admin", "c1/s1/m1")
    person = register(signed_in_client(visits, admin_user), name="钱美华", age=77)
    drain(visits)
    entry = entry_id(visits, person["id"])
    clock.advance(days=8)
    run_due_jobs(visits)
    signed_in_client(visits, worker_user).post(
        f"/special_visits/entries/{entry}", data={**ROUTINE, "client_key": str(uuid.uuid4())}
    )
    clock.advance(days=3)
    run_due_jobs(visits)
    assert published_events(visits, "special_visits.visit_escalated") == []
    assert not any("钱美华" in title for title in inbox_titles(signed_in_client(visits, admin_user)))
