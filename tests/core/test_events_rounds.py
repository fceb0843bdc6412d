"""A dispatcher delivers a handler's share of a claimed batch in one transaction, a savepoint
per delivery: a delivery that fails loses only its own effect and is retried later, while
the deliveries before and after it in the same round take effect and are done."""

from events_support import (  # noqa: F401
    bus,
    effect_count,
    publish_one,
    scalar,
    subscribe,
    test_config,
    writes_effect,
)

from core.events.dispatch import Dispatcher


def test_a_failing_delivery_in_a_round_rolls_back_only_its_own_effect(app):
    def fails_on_bad_names(event, session):
        writes_effect(event, session)
        if event.payload["name"] == "坏":
            raise RuntimeError("这一条处理失败")

    subscribe(app, handler=fails_on_bad_names)
    good_before, bad, good_after = (publish_one(app, payload={"name": name}) for name in ("甲", "坏", "乙"))
    with app.app_context():
        assert Dispatcher(app).run_once() == 3  # one claim round for the one handler
    assert effect_count(app) == 2
    status_of = "SELECT status FROM core_event_delivery WHERE event_id = :id"
    assert scalar(app, status_of, id=good_before) == scalar(app, status_of, id=good_after) == "done"
    assert scalar(app, status_of, id=bad) == "pending"
    assert "这一条处理失败" in scalar(app, "SELECT last_error FROM core_event_delivery WHERE event_id = :id", id=bad)
    processed = "SELECT count(*) FROM core_event_processed WHERE event_id = :id"
    assert (scalar(app, processed, id=good_before), scalar(app, processed, id=bad)) == (1, 0)
