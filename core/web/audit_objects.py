"""Names for what an audit entry points at: the actor's display name, the object's name (a
node's, a package's title, an account's display name) and, through a plugin's service
``<plugin>.describe_audit_entries``, the names its own entries carry (a resident's) — so
the core names plugin objects without importing a plugin."""

import logging

from sqlmodel import select

from core.auth.models import User
from core.db import system_query
from core.inbox.escalations import AUDIT_ACTOR as ESCALATION_ACTOR
from core.plugin_system.offerings import call_service
from core.state import state_of

log = logging.getLogger(__name__)
# Actors that are not accounts: what the core writes for its own work.
SYSTEM_ACTORS = {"cli": "命令行", "demo": "演示数据", "": "系统", ESCALATION_ACTOR: ESCALATION_ACTOR}


def actor_name(username, names):
    if username in SYSTEM_ACTORS:
        return SYSTEM_ACTORS[username]
    return names.get(username) or f"{username}（非系统账号）"


def users_by_id(db, entries):
    ids = sorted({int(e.target.split(":", 1)[1]) for e in entries if _kind(e.target) == "user" and _number(e.target)})
    if not ids:
        return {}
    statement = select(User.id, User.display_name, User.username).where(User.id.in_(ids))
    return {f"user:{i}": shown or name for i, shown, name in db.exec(system_query(statement, "audit: object names"))}


def plugin_descriptions(entries, actor, as_json):
    """{seq: {"object": …, "summary": …}} from each plugin's ``describe_audit_entries``
    for the entries of its own actions and the core's entries about its records. A plugin
    without the service, or whose service fails, leaves its entries to the core's generic
    text: the audit page never breaks."""
    by_plugin = {}
    for entry in entries:
        plugin = _owner(entry)
        if plugin != "core":
            by_plugin.setdefault(plugin, []).append(as_json(entry))
    found = {}
    for plugin, items in by_plugin.items():
        found.update(_safely(f"{plugin}.describe_audit_entries", {}, entries=items, actor=actor))
    return found


def plugin_objects_named(text, actor):
    """Targets the plugins' ``find_audit_objects`` services find for ``text`` (residents by name)."""
    found = set()
    for service in sorted(name for name in state_of().services if name.endswith(".find_audit_objects")):
        found |= set(_safely(service, (), text=text, actor=actor))
    return found


def _safely(service, nothing, **kwargs):
    """The service's answer, or ``nothing`` when no plugin offers it or it fails: a plugin's
    bug must not hide the trail."""
    if service not in state_of().services:
        return nothing
    try:
        return call_service(service, **kwargs) or nothing
    except Exception:
        log.exception("%s failed", service)
        return nothing


def _owner(entry):
    """The plugin that can name the entry: its action's, or for a core entry about a
    plugin's record (an attachment of a resident) the plugin named in its detail."""
    plugin = entry.action.split(".", 1)[0]
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    if plugin == "core" and isinstance(detail.get("plugin"), str) and detail.get("record"):
        return detail["plugin"]
    return plugin


def _kind(target):
    return target.split(":", 1)[0] if ":" in target else ""


def _number(target):
    tail = target.split(":", 1)[1]
    return tail.isascii() and tail.isdigit() and len(tail) < 12
