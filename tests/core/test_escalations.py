"""Escalations (issue 11 §3): "still open at T → notify package P at node N", fired by the
scheduler's ``core.escalations`` job exactly once, cancelled when the object closes, waiting
while the owning plugin is off at the node, and audited."""

import threading
from datetime import timedelta

from core.db import GridworkSession, engine_of, session_scope
from core.inbox.escalations import escalate_if_open, fire_due, object_closed
from core.inbox.notices import notify
from core.plugin_system.enablement import set_state
from core.state import state_of
from core.testing import json_value, rows, run_due_jobs

M1 = "c1/s1/m1"


def schedule(app, when, plugin="core", object_id="7", package="street_admin", org_path=M1):
    with app.app_context(), session_scope(app) as db:
        return escalate_if_open(
            db,
            plugin=plugin,
            object_type="task",
            object_id=object_id,
            at=when,
            package=package,
            org_path=org_path,
            title="整改超期未完成",
            link="/inbox",
        ).id


def notices(app):
    return rows(app, "SELECT title, to_package, org_path, status FROM core_notice ORDER BY id")


def test_an_escalation_fires_once_when_due_and_is_audited(app, org_tree, clock):
    schedule(app, clock.now() + timedelta(hours=2))
    assert run_due_jobs(app)["core.escalations"] == "done" and notices(app) == []

    clock.advance(hours=2)
    run_due_jobs(app)
    clock.advance(minutes=1)
    run_due_jobs(app)
    assert notices(app) == [("整改超期未完成", "street_admin", M1, "open")]
    audit = rows(app, "SELECT action, org_path FROM core_audit_entry WHERE action = 'core.escalation_fired'")
    assert audit == [("core.escalation_fired", M1)]


def test_closing_the_object_cancels_its_escalation_and_settles_its_notices(app, org_tree, clock):
    schedule(app, clock.now() + timedelta(hours=1))
    with app.app_context(), session_scope(app) as db:
        notify(
            db,
            plugin="core",
            title="请整改",
            org_path=M1,
            to_package="community_admin",
            object_type="task",
            object_id="7",
        )
        assert object_closed(db, "core", "task", "7", by="worker") == (1, 1)
    clock.advance(hours=2)
    run_due_jobs(app)
    assert notices(app) == [("请整改", "community_admin", M1, "done")]
    assert rows(app, "SELECT status FROM core_escalation") == [("cancelled",)]


def test_an_escalation_waits_while_its_plugin_is_off_at_the_node(app, org_tree, clock):
    schedule(app, clock.now(), plugin="resident_info")
    clock.advance(minutes=1)
    run_due_jobs(app)
    assert notices(app) == []
    with app.app_context(), session_scope(app) as db:
        set_state(db, state_of(app).host, "resident_info", M1, "enabled", actor="test")
    clock.advance(minutes=1)
    run_due_jobs(app)
    assert [title for title, *_ in notices(app)] == ["整改超期未完成"]


def test_racing_firers_send_each_notice_once(app, org_tree, clock):
    for number in range(300):
        schedule(app, clock.now(), object_id=str(number))
    barrier = threading.Barrier(3)
    fired = []

    def fire():
        with app.app_context(), GridworkSession(engine_of(app)) as db:
            barrier.wait()
            fired.append(fire_due(db, clock.now(), batch=50))
            db.commit()

    threads = [threading.Thread(target=fire) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(fired) == 300
    assert rows(app, "SELECT count(*), count(DISTINCT object_id) FROM core_notice") == [(300, 300)]
    audited = rows(app, "SELECT detail FROM core_audit_entry WHERE action = 'core.escalation_fired'")
    ids = [number for (detail,) in audited for number in json_value(detail)["escalations"]]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 300
