"""Subscribes to rollcall.record_added — rollcall being a plugin made by ``gridwork plugin
new`` at test time (tests/core/test_plugin_events_end_to_end.py), so only that test loads
this fixture: without rollcall it fails to load (missing dependency)."""

from sqlalchemy import text

from core.public import EventHandler, hookimpl

SOURCE = "rollcall.record_added"
# One row per handling, no unique key: a delivery handled twice would show as two rows.
INSERT_EFFECT = text("INSERT INTO fx_relay_effect (event_id, record_id) VALUES (:event_id, :record_id)")


def relay(event, session):
    session.execute(INSERT_EFFECT, {"event_id": event.id, "record_id": event.payload["record_id"]})


@hookimpl
def gridwork_event_handlers():
    return [EventHandler(SOURCE, "fx_relay.relay", relay, "fx_relay")]
