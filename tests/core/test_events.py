"""The durable event bus: an event exists exactly when its business change does, every
subscriber gets it, a handler's effect happens once, failures retry and then wait in the
dead letters until an operator replays them."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from events_support import (  # noqa: F401
    NOTED,
    SCHEMA,
    bus,
    dispatch,
    effect_count,
    publish_one,
    scalar,
    subscribe,
    test_config,
    writes_effect,
)
from sqlalchemy import text

from core.api import ApiError
from core.db import engine_of, session_scope
from core.events import EventType, bus_of, publish, register_event_type
from core.events.dispatch import Dispatcher, backoff_seconds
from core.state import state_of
from core.testing import rows
from core.timeutil import utcnow


def test_an_event_published_in_a_rolled_back_transaction_never_exists(app):
    subscribe(app)
    with app.app_context(), pytest.raises(RuntimeError):
        with session_scope(app) as db:
            publish(db, NOTED, {"name": "张三"}, org_path="c1", actor="tester")
            raise RuntimeError("the business change failed")
    assert scalar(app, "SELECT count(*) FROM core_event") == 0
    assert scalar(app, "SELECT count(*) FROM core_event_delivery") == 0


def test_a_committed_event_has_one_delivery_per_subscriber_and_a_time_ordered_id(app):
    import uuid

    received = []
    subscribe(app)
    subscribe(app, "core.second_look", lambda event, session: received.append(event))
    event_id = publish_one(app)
    assert uuid.UUID(event_id).version == 7
    assert scalar(app, "SELECT type FROM core_event WHERE id = :id", id=event_id) == NOTED
    assert (
        scalar(app, "SELECT count(*) FROM core_event_delivery WHERE event_id = :id AND status = 'pending'", id=event_id)
        == 2
    )
    dispatch(app)
    [event] = received
    assert (event.id, event.type, event.payload, event.org_path, event.actor) == (
        event_id,
        NOTED,
        {"name": "张三"},
        "c1/s1/m1",
        "tester",
    )
    assert event.occurred_at.tzinfo is not None


def test_an_undeclared_type_or_invalid_payload_is_refused_and_nothing_is_stored(app):
    with app.app_context(), session_scope(app) as db:
        with pytest.raises(ValueError, match="未声明的事件类型"):
            publish(db, "core.never_declared", {"name": "x"}, org_path="c1")
        with pytest.raises(ApiError) as refused:
            publish(db, NOTED, {"name": 42}, org_path="c1")
        assert refused.value.status == 422 and refused.value.pointer == "/name"
        assert "类型不正确" in refused.value.detail
        with pytest.raises(ApiError) as missing:
            publish(db, NOTED, {}, org_path="c1")
        assert missing.value.pointer == "/name" and "缺少必填字段" in missing.value.detail
        with pytest.raises(ValueError, match="组织路径无效"):
            publish(db, NOTED, {"name": "x"}, org_path="c1/../s2")
    assert scalar(app, "SELECT count(*) FROM core_event") == 0


def test_duplicate_or_misnamed_types_and_handlers_are_refused_at_registration(app):
    with pytest.raises(ValueError, match="重复声明"):
        register_event_type(app, EventType(NOTED, SCHEMA, "core"))
    with pytest.raises(ValueError, match="必须与声明它的模块名"):
        register_event_type(app, EventType("stats.thing_counted", SCHEMA, "core"))
    with pytest.raises(ValueError, match="不符合规则"):
        register_event_type(app, EventType("core.Thing-Done", SCHEMA, "core"))
    subscribe(app)
    with pytest.raises(ValueError, match="重复注册"):
        subscribe(app)
    with pytest.raises(ValueError, match="未声明的事件类型"):
        subscribe(app, "core.other", event_type="core.never_declared")


def test_a_redelivered_event_takes_effect_only_once(app):
    subscribe(app)
    event_id = publish_one(app)
    with app.app_context():
        first, late = Dispatcher(app, owner_suffix="a"), Dispatcher(app, owner_suffix="b")
        claims, events = first.claim()
        # The first worker stalls past its lease: another takes the delivery over and finishes it.
        with engine_of(app).begin() as conn:
            conn.execute(text("UPDATE core_event_delivery SET lease_until = NULL"))
        assert late.drain() == 1
        assert first.deliver(claims[0], events[event_id]) == "lost"
        # The "done" mark is lost (say, restored from an older copy): delivered again, no second effect.
        with engine_of(app).begin() as conn:
            conn.execute(text("UPDATE core_event_delivery SET status = 'pending', lease_owner = NULL"))
        assert late.drain() == 1
    assert effect_count(app) == 1
    assert scalar(app, "SELECT status FROM core_event_delivery") == "done"
    assert scalar(app, "SELECT attempts FROM core_event_delivery") == 3


def test_a_failing_handler_retries_with_backoff_then_waits_in_the_dead_letters_until_replayed(app):
    from core.events.cli import events_cli

    broken = {"yes": True}

    def flaky(event, session):
        writes_effect(event, session)
        if broken["yes"]:
            raise RuntimeError("下游系统不可用")

    subscribe(app, handler=flaky)
    event_id = publish_one(app)
    with app.app_context():
        before = utcnow()
        Dispatcher(app).run_once()  # one claim: the first attempt
    retry_at = scalar(app, "SELECT next_attempt_at FROM core_event_delivery")
    retry_at = retry_at if isinstance(retry_at, datetime) else datetime.fromisoformat(retry_at)
    assert retry_at.replace(tzinfo=UTC) >= before + timedelta(seconds=0.01)  # the backoff base
    deadline = time.monotonic() + 30
    while scalar(app, "SELECT status FROM core_event_delivery") != "dead" and time.monotonic() < deadline:
        dispatch(app)
        time.sleep(0.02)
    assert scalar(app, "SELECT status FROM core_event_delivery") == "dead"
    assert scalar(app, "SELECT attempts FROM core_event_delivery") == 3
    assert "下游系统不可用" in scalar(
        app, "SELECT last_error FROM core_event_dead_letter WHERE event_id = :id", id=event_id
    )
    assert effect_count(app) == 0  # every failed attempt was rolled back

    runner = app.test_cli_runner()
    assert "死信：1" in runner.invoke(events_cli, ["status"]).output
    broken["yes"] = False
    result = runner.invoke(events_cli, ["replay", "--id", event_id])
    assert "已重新排队 1 条死信" in result.output
    assert scalar(app, "SELECT count(*) FROM core_audit_entry WHERE action = 'core.event_replayed'") == 1
    dispatch(app)
    assert effect_count(app) == 1
    assert scalar(app, "SELECT status FROM core_event_delivery") == "done"
    assert scalar(app, "SELECT replayed_by FROM core_event_dead_letter") == "cli"  # kept, never expires
    assert "死信：0" in runner.invoke(events_cli, ["status"]).output


def test_a_failing_delivery_in_a_round_rolls_back_only_its_own_effect(app):
    def fails_on_bad_names(event, session):
        writes_effect(event, session)
        if event.payload["name"] == "坏":
            raise RuntimeError("这一条处理失败")

    subscribe(app, handler=fails_on_bad_names)
    good_before, bad, good_after = (publish_one(app, payload={"name": name}) for name in ("甲", "坏", "乙"))
    with app.app_context():
        # One claimed round for the one handler: one transaction, a savepoint per delivery.
        assert Dispatcher(app).run_once() == 3
    assert effect_count(app) == 2
    status_of = "SELECT status FROM core_event_delivery WHERE event_id = :id"
    assert scalar(app, status_of, id=good_before) == scalar(app, status_of, id=good_after) == "done"
    assert scalar(app, status_of, id=bad) == "pending"
    assert "这一条处理失败" in scalar(app, "SELECT last_error FROM core_event_delivery WHERE event_id = :id", id=bad)
    processed = "SELECT count(*) FROM core_event_processed WHERE event_id = :id"
    assert (scalar(app, processed, id=good_before), scalar(app, processed, id=bad)) == (1, 0)


def test_backoff_doubles_from_the_base_up_to_ten_minutes_plus_jitter():
    assert 1.0 <= backoff_seconds(1, 1.0) <= 1.2
    assert 8.0 <= backoff_seconds(4, 1.0) <= 9.6
    assert 600 <= backoff_seconds(30, 1.0) <= 720


def test_a_handler_may_publish_a_follow_up_event_in_its_own_transaction(app):
    register_event_type(app, EventType("core.follow_up_noted", {"type": "object"}, "core"))

    seen = []

    def follow_up(event, session):
        publish(session, "core.follow_up_noted", {"after": event.id}, org_path=event.org_path, actor="handler")

    subscribe(app, "core.follow_up", follow_up)
    subscribe(
        app, "core.see_follow_up", lambda event, session: seen.append(event.payload), event_type="core.follow_up_noted"
    )
    first = publish_one(app)
    dispatch(app)
    assert seen == [{"after": first}]
    assert scalar(app, "SELECT count(*) FROM core_event WHERE type = 'core.follow_up_noted'") == 1
    assert rows(app, "SELECT status FROM core_event_delivery") == [("done",), ("done",)]


def test_a_failing_subscriber_does_not_stop_another_subscriber_or_the_publisher(app):
    def always_fails(event, session):
        raise ValueError("坏的订阅者")

    subscribe(app, "core.broken", always_fails)
    subscribe(app)
    event_id = publish_one(app)
    dispatch(app)
    assert scalar(app, "SELECT count(*) FROM core_event WHERE id = :id", id=event_id) == 1
    assert effect_count(app) == 1
    states = dict(rows(app, "SELECT handler, status FROM core_event_delivery"))
    assert states == {"core.write_effect": "done", "core.broken": "pending"}
    assert "坏的订阅者" in scalar(app, "SELECT last_error FROM core_event_delivery WHERE handler = 'core.broken'")


def test_a_handler_of_a_plugin_switched_off_at_the_events_node_is_skipped(app, monkeypatch):
    monkeypatch.setattr(
        state_of(app).policy, "plugin_enabled", lambda plugin, path: path.startswith("c1/s1/"), raising=False
    )
    register_event_type(app, EventType("demo.thing_seen", {"type": "object"}, "demo"))
    subscribe(app, "demo.write_effect", writes_effect, plugin="demo", event_type="demo.thing_seen")
    with app.app_context(), session_scope(app) as db:
        publish(db, "demo.thing_seen", {}, org_path="c1/s1/m1")
        publish(db, "demo.thing_seen", {}, org_path="c1/s2/m2")
    dispatch(app)
    assert effect_count(app) == 1
    states = rows(app, "SELECT e.org_path, d.status FROM core_event_delivery d JOIN core_event e ON e.id = d.event_id")
    assert dict(states) == {"c1/s1/m1": "done", "c1/s2/m2": "skipped"}


def test_the_embedded_dispatcher_delivers_an_event_published_by_a_request(app, client):
    from core.db import get_session

    subscribe(app)
    app.config["EVENTS_EMBEDDED_DISPATCHER"] = True

    @app.post("/_test/publish")
    def publish_in_request():
        db = get_session()
        publish(db, NOTED, {"name": "李四"}, org_path="c1", actor="web")
        db.commit()
        return "ok"

    assert client.post("/_test/publish").status_code == 200
    assert bus_of(app).embedded_running
    deadline = time.monotonic() + 15
    while effect_count(app) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert effect_count(app) == 1
    bus_of(app).stop()
    assert not bus_of(app).embedded_running


def test_gridwork_worker_once_delivers_what_is_due(app):
    from core.events.cli import worker_command

    subscribe(app)
    publish_one(app)
    publish_one(app)
    result = app.test_cli_runner().invoke(worker_command, ["--once", "--batch", "1"])
    assert "已处理 2 个投递" in result.output, result.output
    assert effect_count(app) == 2
