"""The core's own event types: a plugin switched on or off at an org node."""
from core.events.types import EventType

STATE_CHANGE_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "required": ["plugin", "org_path", "old_state", "new_state", "setting"],
    "properties": {
        "plugin": {"type": "string"}, "org_path": {"type": "string"},
        "old_state": {"enum": ["enabled", "disabled", "forbidden"]},
        "new_state": {"enum": ["enabled", "disabled", "forbidden"]},
        "setting": {"enum": ["enabled", "disabled", "forbidden", "inherit"]},
    },
}
EVENT_FOR_SETTING = {"enabled": "core.plugin_enabled", "disabled": "core.plugin_disabled",
                     "forbidden": "core.plugin_forbidden", "inherit": "core.plugin_setting_cleared"}
CORE_EVENT_TYPES = tuple(EventType(name, STATE_CHANGE_SCHEMA, "core") for name in EVENT_FOR_SETTING.values())
