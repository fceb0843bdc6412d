"""Batch handlers (``EventHandler(..., batch=True)``): one call for a claimed round, and
every per-delivery guarantee kept — a poisoned event fails alone, a redelivery repeats
nothing, a worker killed mid-call commits nothing."""

import multiprocessing
import os

from events_support import (  # noqa: F401
    NOTED,
    bus,
    dispatch,
    effect_count,
    effects,
    publish_one,
    scalar,
    test_config,
)
from sqlalchemy import insert, text

from core.db import engine_of
from core.events import EventHandler, register_handler
from core.events.dispatch import Dispatcher

HANDLER = "core.write_effects"


def subscribe_batch(app, fail_on=None, dying=None):
    """A batch handler writing one effect per event; returns the list of its calls (names).
    ``dying["yes"]``: the worker process dies inside the call."""
    calls, dying = [], dying or {}

    def write_effects(events, session):
        calls.append([event.payload["name"] for event in events])
        rows = [{"event_id": event.id, "handler": HANDLER} for event in events]
        session.execute(insert(effects), rows)
        if dying.get("yes"):
            session.flush()
            os._exit(9)  # the worker dies mid-round, its effects written but not committed
        if fail_on in calls[-1]:
            raise RuntimeError("这一条处理失败")

    register_handler(app, EventHandler(NOTED, HANDLER, write_effects, "core", batch=True))
    return calls


def publish_names(app, *names):
    return [publish_one(app, payload={"name": name}) for name in names]


def status_of(app, event_id):
    return scalar(app, "SELECT status FROM core_event_delivery WHERE event_id = :id", id=event_id)


def test_a_batch_handler_is_called_once_for_the_whole_round(app):
    calls = subscribe_batch(app)
    ids = publish_names(app, "甲", "乙", "丙", "丁", "戊")
    with app.app_context():
        assert Dispatcher(app).run_once() == 5
    assert calls == [["甲", "乙", "丙", "丁", "戊"]]
    assert effect_count(app) == 5
    assert {status_of(app, event_id) for event_id in ids} == {"done"}
    assert scalar(app, "SELECT count(*) FROM core_event_processed") == 5


def test_a_poisoned_event_fails_alone_and_the_rest_of_the_round_is_delivered(app):
    calls = subscribe_batch(app, fail_on="坏")
    before, bad, after = publish_names(app, "甲", "坏", "乙")
    with app.app_context():
        assert Dispatcher(app).run_once() == 3
    # The batch call raised: its effects were rolled back, then one call per event.
    assert calls == [["甲", "坏", "乙"], ["甲"], ["坏"], ["乙"]]
    assert effect_count(app) == 2
    assert status_of(app, before) == status_of(app, after) == "done"
    assert status_of(app, bad) == "pending"
    assert "这一条处理失败" in scalar(app, "SELECT last_error FROM core_event_delivery WHERE event_id = :id", id=bad)
    assert scalar(app, "SELECT count(*) FROM core_event_processed WHERE event_id = :id", id=bad) == 0


def test_a_redelivered_round_repeats_no_effect_and_only_new_events_reach_the_handler(app):
    calls = subscribe_batch(app)
    publish_names(app, "甲", "乙")
    dispatch(app)
    # The "done" marks are lost (restored from an older copy) and a new event arrives.
    with engine_of(app).begin() as conn:
        conn.execute(text("UPDATE core_event_delivery SET status = 'pending', lease_owner = NULL"))
    publish_names(app, "丙")
    dispatch(app)
    assert calls == [["甲", "乙"], ["丙"]]
    assert effect_count(app) == 3
    assert scalar(app, "SELECT count(*) FROM core_event_delivery WHERE status = 'done'") == 3


def _run_one_round(app):
    with app.app_context():
        Dispatcher(app, owner_suffix="doomed").run_once()


def test_a_worker_killed_inside_the_batch_call_commits_nothing_and_the_round_is_delivered_later(app):
    dying = {"yes": True}
    calls = subscribe_batch(app, dying=dying)
    publish_names(app, "甲", "乙", "丙")
    engine_of(app).dispose()  # no pooled connection may be shared with the forked worker
    worker = multiprocessing.get_context("fork").Process(target=_run_one_round, args=(app,))
    worker.start()
    worker.join(60)
    assert worker.exitcode == 9
    assert effect_count(app) == 0
    assert scalar(app, "SELECT count(*) FROM core_event_processed") == 0
    assert scalar(app, "SELECT count(*) FROM core_event_delivery WHERE status = 'pending' AND attempts = 1") == 3

    dying["yes"] = False  # a healthy worker, once the dead one's leases lapse
    with engine_of(app).begin() as conn:
        conn.execute(text("UPDATE core_event_delivery SET lease_until = NULL"))
    assert dispatch(app) == 3
    assert calls == [["甲", "乙", "丙"]]  # the dead worker's call happened in its own memory
    assert effect_count(app) == 3
    assert scalar(app, "SELECT count(*) FROM core_event_delivery WHERE status = 'done'") == 3
