"""How a plugin is shown on the plugins page and in ``/api/v1/plugins``."""
from sqlmodel import select

from core.api import not_found
from core.db import system_query
from core.orgs.models import OrgNode
from core.plugin_system.enablement import effective_state
from core.plugin_system.service import settings_of


def plugin_json(db, plugin, org_path):
    manifest = plugin.manifest.data if plugin.manifest else {}
    state = "enabled" if plugin.name == "core" else effective_state(settings_of(db, plugin.name), org_path)
    return {
        "name": plugin.name,
        "version": plugin.version,
        "title": manifest.get("title", {"zh": "核心", "en": "Core"} if plugin.name == "core" else {}),
        "description": manifest.get("description", {}),
        "source": plugin.source,
        "distribution": plugin.distribution,
        "hooks": list(plugin.hooks),
        "load_state": "loaded" if plugin.ok else "error",
        "error": plugin.error,
        "warnings": list(plugin.warnings),
        "permissions": [f"{plugin.name}.{p['name']}" for p in manifest.get("permissions", [])],
        "events": [f"{plugin.name}.{e['name']}" for e in manifest.get("events", {}).get("emits", [])],
        "blocks": [b["name"] for b in manifest.get("blocks", [])],
        "state": state,
    }


def node_in_scope(db, node_id, scope):
    """The org node, if ``scope`` covers it; otherwise 404 (as if it did not exist)."""
    node = db.exec(system_query(select(OrgNode).where(OrgNode.id == node_id), "resolve, then check the scope")).first()
    if node is None or not scope.covers(node.path):
        raise not_found()
    return node
