"""The two event types alerts publish (the core's own, like the plugin-state events)."""

from core.events.types import EventType

_AREA = {"type": "string", "maxLength": 300}
ISSUED_SCHEMA = {
    "type": "object",
    "required": ["alert_id", "kind", "area", "message", "starts_at", "ends_at"],
    "properties": {
        "alert_id": {"type": "integer"},
        "kind": {"type": "string", "enum": ["heat", "cold", "typhoon", "rainstorm", "other"]},
        "area": _AREA,
        "message": {"type": "string", "maxLength": 500},
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
    },
}
LIFTED_SCHEMA = {
    "type": "object",
    "required": ["alert_id", "kind", "area", "reason"],
    "properties": {
        "alert_id": {"type": "integer"},
        "kind": {"type": "string"},
        "area": _AREA,
        "reason": {"type": "string", "enum": ["lifted", "expired"]},
    },
}
ALERT_EVENT_TYPES = (
    EventType("core.alert_issued", ISSUED_SCHEMA, "core"),
    EventType("core.alert_lifted", LIFTED_SCHEMA, "core"),
)
