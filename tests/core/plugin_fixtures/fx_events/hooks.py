"""An event type beyond the manifest's, declared through the hook."""

from core.public import EventType, hookimpl

COUNTED = {
    "type": "object",
    "required": ["count"],
    "additionalProperties": False,
    "properties": {"count": {"type": "integer", "minimum": 0}},
}


@hookimpl
def gridwork_event_types():
    return [EventType("fx_events.counted", COUNTED, "fx_events")]
