"""The durable event bus (DESIGN §4): typed events written to an outbox in the publisher's
transaction, delivered at least once to every subscriber by dispatchers (a thread in the
web process, or ``gridwork worker``), with retries, dead letters and idempotent handlers.

    register_event_type(app, EventType("resident_info.resident_tagged", schema, "resident_info"))
    register_handler(app, EventHandler("resident_info.resident_tagged", "stats.count_tags", fn, "stats"))
    publish(session, "resident_info.resident_tagged", {"resident_id": 7}, org_path="c1/s1/m1", actor="u")
"""

from core.events.bus import EventBus, start_embedded_before_request
from core.events.dispatch import Dispatcher
from core.events.publish import publish
from core.events.types import Event, EventHandler, EventType, MatchingHandler
from core.state import state_of

__all__ = [
    "Event",
    "EventBus",
    "EventHandler",
    "EventType",
    "MatchingHandler",
    "bus_of",
    "init_app",
    "publish",
    "register_event_type",
    "register_handler",
]


def init_app(app):
    """Create the app's bus; its embedded dispatcher starts with the first request when
    ``EVENTS_EMBEDDED_DISPATCHER`` is on (default: on, except under TESTING)."""
    bus = EventBus(app, Dispatcher)
    state_of(app).bus = bus
    app.before_request(start_embedded_before_request(bus))
    return bus


def bus_of(app):
    return state_of(app).bus


def register_event_type(app, event_type):
    """Declare an event type (during create_app). Duplicate or misnamed → ValueError."""
    bus_of(app).register_type(event_type)


def register_handler(app, handler):
    """Subscribe an ``EventHandler`` to a declared event type, or a ``MatchingHandler`` to
    every type it wants (during create_app). Duplicate → ValueError."""
    bus_of(app).register_handler(handler)
