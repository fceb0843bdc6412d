"""The plugins API (/api/v1/plugins): what is installed, its state per node, usage figures; and
how a plugin is shown there and on the plugins page."""

import logging

from flask import current_app, request
from sqlmodel import select

from core.api import api_blueprint, api_route, json_body, not_found
from core.auth.actor import current_actor
from core.db import get_session, system_query
from core.permissions.access import can, deny, login_required, policy_engine, scope_for
from core.plugin_system import enablement
from core.plugin_system.enablement import settings_of
from core.state import state_of
from core.tree.models import OrgNode
from core.tree.paths import is_valid_path
from core.tree.regions import effective_state

bp = api_blueprint("core_plugins_api", __name__)
STATE_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["state"],
    "properties": {"state": {"enum": list(enablement.CHOICES)}},
}


def _host():
    return state_of().host


def _require_plugin_viewer():
    if not (scope_for(current_actor, "core.plugin_manage") or scope_for(current_actor, "core.plugin_enable")):
        deny("core.plugin_enable")


@api_route(
    bp,
    "/plugins",
    summary="已安装的功能模块及其加载情况",
    tags=["plugins"],
    query={
        "type": "object",
        "properties": {
            "org_path": {
                "type": "string",
                "maxLength": 300,
                "description": "在哪个组织节点看各模块的状态（默认：本人所属节点）",
            }
        },
    },
)
@login_required
def list_plugins():
    _require_plugin_viewer()
    org_path = request.args.get("org_path") or current_actor.org_path
    viewer = scope_for(current_actor, "core.plugin_enable")
    if not (is_valid_path(org_path) and (viewer.covers(org_path) or org_path == current_actor.org_path)):
        raise not_found()  # the states at nodes outside one's scope are not one's business
    db = get_session()
    items = [plugin_json(db, plugin, org_path) for plugin in _host().plugins.values()]
    return {"items": items, "total": len(items), "org_path": org_path}


@api_route(bp, "/plugins/<name>", summary="一个功能模块", tags=["plugins"])
@login_required
def get_plugin(name):
    _require_plugin_viewer()
    plugin = _host().plugins.get(name)
    if plugin is None:
        raise not_found()
    db = get_session()
    scope = scope_for(current_actor, "core.plugin_enable")
    settings = [
        {"org_path": path, "state": state} for path, state in enablement.settings_of(db, name) if scope.covers(path)
    ]
    return {**plugin_json(db, plugin, current_actor.org_path), "settings": settings}


@api_route(bp, "/plugins/<name>/nodes/<node_id>", summary="功能模块在某组织节点的状态", tags=["plugins"])
@login_required
def get_node_state(name, node_id):
    _require_plugin_viewer()
    if name not in _host().plugins:
        raise not_found()
    db = get_session()
    node = node_in_scope(db, node_id, scope_for(current_actor, "core.plugin_enable"))
    settings = dict(enablement.settings_of(db, name))
    return {
        "plugin": name,
        "org_path": node.path,
        "setting": settings.get(node.path, "inherit"),
        "state": effective_state(list(settings.items()), node.path),
    }


@api_route(
    bp,
    "/plugins/<name>/nodes/<node_id>",
    methods=["PUT"],
    summary="在组织节点启用/停用/禁止功能模块",
    body=STATE_BODY,
    tags=["plugins"],
)
@login_required
def put_node_state(name, node_id):
    db = get_session()
    # Scope before body: a foreign node is a 404 whatever was sent.
    node = node_in_scope(db, node_id, scope_for(current_actor, "core.plugin_enable"))
    state = json_body(STATE_BODY)["state"]
    if enablement.needs_forbid_permission(db, name, node.path, state) and not can(
        current_actor, "core.plugin_forbid", node.path
    ):
        deny("core.plugin_forbid")
    change = enablement.set_state(db, _host(), name, node.path, state, actor=current_actor.username)
    db.commit()
    return {"plugin": name, "org_path": node.path, "old_state": change.old_state, "state": change.new_state}


@api_route(bp, "/plugins/usage/<node_id>", summary="各功能模块在某组织节点的使用数据", tags=["plugins"])
@login_required
def usage(node_id):
    _require_plugin_viewer()
    node = node_in_scope(get_session(), node_id, scope_for(current_actor, "core.plugin_enable"))
    return {"org_path": node.path, "figures": usage_figures(current_app, policy_engine(), node.path)}


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


def usage_figures(app, policy, org_path):
    """{plugin: {figure: int}} from the plugins enabled at ``org_path``. A plugin whose hook
    fails reports nothing rather than breaking the page."""
    host = state_of(app).host
    enabled = {p.name for p in host.loaded() if p.name != "core" and policy.plugin_enabled(p.name, org_path)}
    figures = {}
    for name in sorted(enabled):
        try:
            results = host.call_for({name}, "gridwork_usage_figures", org_path=org_path)
        except Exception:  # one plugin's bug must not hide the others' figures
            continue
        merged = {}
        for result in results:
            merged.update({key: int(value) for key, value in (result or {}).items()})
        figures[name] = merged
    return figures


def block_placements(app, session, org_path):
    """{plugin: {"scenarios": n, "titles": [...], "placed": [{"id", "title", "url"}]}} added up
    over every plugin that composes blocks (``gridwork_block_placements``). A failing
    implementation is left out."""
    merged = {}
    results = state_of(app).host.call_each(
        "gridwork_block_placements", on_error=_placements_failed, session=session, org_path=org_path
    )
    for _composer, result in results:
        for plugin, found in (result or {}).items():
            into = merged.setdefault(plugin, {"scenarios": 0, "titles": [], "placed": []})
            into["scenarios"] += int(found.get("scenarios", 0))
            into["titles"] += [str(title) for title in found.get("titles", [])]
            into["placed"] += [_placed(entry) for entry in found.get("placed", [])]
    return merged


def _placed(entry):
    """One placing scenario as the core keeps it: an opaque id, a title and a link."""
    return {"id": str(entry["id"]), "title": str(entry.get("title", "")), "url": str(entry.get("url", ""))}


def _placements_failed(plugin, error):
    logging.getLogger(__name__).warning("gridwork_block_placements failed for %s: %s", plugin, error)
