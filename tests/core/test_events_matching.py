"""A subscription to event types known only at runtime (``MatchingHandler``): delivered
every event whose type its ``wants`` accepts at publish time, once, like any handler."""

import pytest
from events_support import NOTED, bus, dispatch, effect_count, effects, publish_one, scalar, test_config  # noqa: F401
from sqlalchemy import insert, text

from core.db import engine_of
from core.events import MatchingHandler, register_handler

wanted = set()


def writes_effect(event, session):
    session.execute(insert(effects).values(event_id=event.id, handler="core.any_effect"))


@pytest.fixture
def matching(app):
    wanted.clear()
    register_handler(app, MatchingHandler("core.any_effect", writes_effect, "core", wanted.__contains__))


def test_an_event_is_delivered_only_while_its_type_is_wanted(app, matching):
    publish_one(app)
    assert scalar(app, "SELECT count(*) FROM core_event_delivery") == 0
    wanted.add(NOTED)  # e.g. a scenario naming this event was just published
    publish_one(app)
    dispatch(app)
    assert effect_count(app) == 1
    assert scalar(app, "SELECT handler FROM core_event_delivery") == "core.any_effect"


def test_a_redelivered_event_runs_a_matching_handler_once(app, matching):
    wanted.add(NOTED)
    publish_one(app)
    dispatch(app)
    with engine_of(app).begin() as conn:  # the "done" mark is lost: delivered again
        conn.execute(text("UPDATE core_event_delivery SET status = 'pending', lease_owner = NULL"))
    assert dispatch(app) == 1
    assert effect_count(app) == 1


def test_a_matching_handler_with_a_misnamed_or_duplicate_name_is_refused(app, matching):
    with pytest.raises(ValueError, match="重复注册"):
        register_handler(app, MatchingHandler("core.any_effect", writes_effect, "core", wanted.__contains__))
    with pytest.raises(ValueError, match="前缀"):
        register_handler(app, MatchingHandler("other.any", writes_effect, "core", wanted.__contains__))
    with pytest.raises(ValueError, match="可调用"):
        register_handler(app, MatchingHandler("core.no_wants", writes_effect, "core", None))
