"""Subscribes to another plugin's event; remembers what it was handed."""

from core.public import EventHandler, hookimpl

HANDLED = []


def remember(event, session):
    HANDLED.append((event.id, event.type, event.org_path, event.payload))


@hookimpl
def gridwork_event_handlers():
    return [EventHandler("fx_events.noted", "fx_subscriber.remember", remember, "fx_subscriber")]
