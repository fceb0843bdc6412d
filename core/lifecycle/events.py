"""The core events of the lifecycle: one per step, published in the step's transaction."""

from core.events.types import EventType

STEP_EVENTS = {
    "flagged": "core.plugin_flagged",
    "frozen": "core.plugin_frozen",
    "retired": "core.plugin_retired",
    "restored": "core.plugin_restored",
    "purged": "core.plugin_purged",
}
STEP_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["plugin", "org_path", "lifecycle_id", "old_state", "new_state"],
    "properties": {
        "plugin": {"type": "string"},
        "org_path": {"type": "string"},
        "lifecycle_id": {"type": "integer"},
        "old_state": {"enum": ["active", "flagged", "frozen", "retired"]},
        "new_state": {"enum": ["flagged", "frozen", "retired", "restored", "purged"]},
        "freeze_on": {"type": ["string", "null"]},
        "retire_on": {"type": ["string", "null"]},
        "records": {"type": "object"},
    },
}
LIFECYCLE_EVENT_TYPES = tuple(EventType(name, STEP_SCHEMA, "core") for name in STEP_EVENTS.values())
