"""Per-node plugin state (enabled / disabled / forbidden / inherit): the settings table, the one
audited service that changes it, and the core event each change publishes."""

import logging
from dataclasses import dataclass

from sqlmodel import select

from core.api.errors import ServiceError
from core.audit.chain import record_audit
from core.db import on_commit
from core.events.publish import publish
from core.events.types import EventType
from core.permissions.store import bump_policy_version
from core.plugin_system.models import PluginSetting
from core.timeutil import utcnow
from core.tree.paths import covers, is_valid_path
from core.tree.regions import effective_state

CHOICES = ("enabled", "disabled", "forbidden", "inherit")
STATE_TITLES = {"enabled": "已启用", "disabled": "未启用", "forbidden": "已禁止", "inherit": "跟随上级"}


@dataclass(frozen=True)
class StateChange:
    plugin: str
    org_path: str
    old_state: str
    new_state: str


def needs_forbid_permission(db, plugin, org_path, state):
    """Setting "forbidden" — or changing a node that is forbidden — is a forbid-level act:
    a community admin must not lift the county's forbid on their own node."""
    if state == "forbidden":
        return True
    return dict(settings_of(db, plugin)).get(org_path) == "forbidden"


def settings_of(db, plugin):
    rows = db.exec(select(PluginSetting).where(PluginSetting.plugin == plugin)).all()
    return [(row.org_path, row.state) for row in rows]


def set_state(db, host, plugin, org_path, state, actor):
    """Record the setting for ``plugin`` at ``org_path``; returns the StateChange there."""
    _check(host, plugin, org_path, state)
    settings = settings_of(db, plugin)
    blocked_by = [p for p, s in settings if s == "forbidden" and covers(p, org_path) and p != org_path]
    if state == "enabled" and blocked_by:
        raise ServiceError(409, f"上级组织 {blocked_by[0]} 已禁止该功能模块，不能在下级启用。", "/state")
    old_state = effective_state(settings, org_path)
    _write(db, plugin, org_path, state, actor)
    new_state = effective_state(settings_of(db, plugin), org_path)
    bump_policy_version(db)
    event_name = EVENT_FOR_SETTING[state]
    record_audit(
        db,
        event_name,
        actor=actor,
        target=f"plugin:{plugin}",
        org_path=org_path,
        detail={"old": old_state, "new": new_state, "setting": state},
    )
    publish(
        db,
        event_name,
        {"plugin": plugin, "org_path": org_path, "old_state": old_state, "new_state": new_state, "setting": state},
        org_path=org_path,
        actor=actor,
    )
    change = StateChange(plugin, org_path, old_state, new_state)
    if old_state != new_state:  # the hook says the state changed; a no-op setting is not news
        announce(db, host, change)
    return change


def _check(host, plugin, org_path, state):
    if state not in CHOICES:
        raise ServiceError(422, "状态只能是 enabled、disabled、forbidden 或 inherit。", "/state")
    if host.get(plugin) is None or plugin == "core":
        raise ServiceError(404, f"功能模块不存在或未能加载：{plugin}")
    if not is_valid_path(org_path):
        raise ServiceError(422, "组织路径格式不正确。", "/org_path")


def _write(db, plugin, org_path, state, actor):
    row = db.exec(
        select(PluginSetting).where(PluginSetting.plugin == plugin, PluginSetting.org_path == org_path)
    ).first()
    if state == "inherit":
        if row is not None:
            db.delete(row)
    elif row is None:
        db.add(PluginSetting(plugin=plugin, org_path=org_path, state=state, changed_by=actor))
    else:
        row.state, row.changed_at, row.changed_by = state, utcnow(), actor
        db.add(row)
    db.flush()


def announce(db, host, change):
    """After commit the plugin hears of it through ``gridwork_lifecycle_changed`` (a setting
    here, a retirement step in core.lifecycle; events are published by the caller)."""

    def tell_plugin():
        try:
            host.call_for(
                {change.plugin},
                "gridwork_lifecycle_changed",
                plugin=change.plugin,
                org_path=change.org_path,
                old_state=change.old_state,
                new_state=change.new_state,
            )
        except Exception:  # a plugin's bug must not undo an admin's committed decision
            logging.getLogger(__name__).exception("gridwork_lifecycle_changed failed for %s", change.plugin)

    on_commit(db, tell_plugin)


STATE_CHANGE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["plugin", "org_path", "old_state", "new_state", "setting"],
    "properties": {
        "plugin": {"type": "string"},
        "org_path": {"type": "string"},
        "old_state": {"enum": ["enabled", "disabled", "forbidden"]},
        "new_state": {"enum": ["enabled", "disabled", "forbidden"]},
        "setting": {"enum": ["enabled", "disabled", "forbidden", "inherit"]},
    },
}
EVENT_FOR_SETTING = {
    "enabled": "core.plugin_enabled",
    "disabled": "core.plugin_disabled",
    "forbidden": "core.plugin_forbidden",
    "inherit": "core.plugin_setting_cleared",
}
CORE_EVENT_TYPES = tuple(EventType(name, STATE_CHANGE_SCHEMA, "core") for name in EVENT_FOR_SETTING.values())
