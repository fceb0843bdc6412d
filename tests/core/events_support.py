"""Shared by the event bus tests: a declared event type, a table handlers write their
effects to, and small helpers to publish, dispatch and look at the tables."""

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, text

from core.db import engine_of, session_scope
from core.events import EventHandler, EventType, publish, register_event_type, register_handler
from core.events.dispatch import Dispatcher
from core.state import state_of

NOTED = "core.resident_noted"
SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string", "minLength": 1}},
    "required": ["name"],
    "additionalProperties": False,
}
effects = Table(
    "test_event_effect",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("event_id", String(32)),
    Column("handler", String(100)),
)


@pytest.fixture
def test_config(test_config):
    return {**test_config, "EVENTS_BACKOFF_BASE": 0.01, "EVENTS_MAX_ATTEMPTS": 3}


@pytest.fixture(autouse=True)
def bus(app):
    """The app's bus, the declared event type and the effects table."""
    bus = state_of(app).bus
    register_event_type(app, EventType(NOTED, SCHEMA, "core"))
    effects.create(engine_of(app))
    yield bus
    bus.stop()


def writes_effect(event, session):
    session.execute(insert(effects).values(event_id=event.id, handler="core.write_effect"))


def subscribe(app, name="core.write_effect", handler=writes_effect, plugin="core", event_type=NOTED):
    register_handler(app, EventHandler(event_type, name, handler, plugin))


def publish_one(app, org_path="c1/s1/m1", payload=None):
    with app.app_context(), session_scope(app) as db:
        return publish(db, NOTED, payload or {"name": "张三"}, org_path=org_path, actor="tester")


def dispatch(app):
    with app.app_context():
        return Dispatcher(app).drain()


def scalar(app, sql, **params):
    with engine_of(app).connect() as conn:
        return conn.execute(text(sql), params).scalar()


def effect_count(app):
    with engine_of(app).connect() as conn:
        return conn.execute(select(func.count()).select_from(effects)).scalar()
