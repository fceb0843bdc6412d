"""``/api/v1/plugins``: what is installed and loaded, and where each plugin is switched on."""
from flask import current_app, request
from core.state import state_of
from core.auth.actor import current_actor

from core.api import api_blueprint, api_route, json_body, not_found
from core.db import get_session
from core.permissions.access import can, deny, login_required, scope_for
from core.tree.paths import is_valid_path
from core.plugin_system import service
from core.tree.regions import effective_state
from core.plugin_system.listing import node_in_scope, plugin_json
from core.permissions.access import policy_engine
from core.plugin_system.usage import usage_figures

bp = api_blueprint("core_plugins_api", __name__)
STATE_BODY = {"type": "object", "additionalProperties": False, "required": ["state"],
              "properties": {"state": {"enum": list(service.CHOICES)}}}


def _host():
    return state_of().host


def _require_plugin_viewer():
    if not (scope_for(current_actor, "core.plugin_manage") or scope_for(current_actor, "core.plugin_enable")):
        deny("core.plugin_enable")


@api_route(bp, "/plugins", summary="已安装的功能模块及其加载情况", tags=["plugins"])
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
    settings = [{"org_path": path, "state": state} for path, state in service.settings_of(db, name) if scope.covers(path)]
    return {**plugin_json(db, plugin, current_actor.org_path), "settings": settings}


@api_route(bp, "/plugins/<name>/nodes/<node_id>", summary="功能模块在某组织节点的状态", tags=["plugins"])
@login_required
def get_node_state(name, node_id):
    _require_plugin_viewer()
    if name not in _host().plugins:
        raise not_found()
    db = get_session()
    node = node_in_scope(db, node_id, scope_for(current_actor, "core.plugin_enable"))
    settings = dict(service.settings_of(db, name))
    return {"plugin": name, "org_path": node.path, "setting": settings.get(node.path, "inherit"),
            "state": effective_state(list(settings.items()), node.path)}


@api_route(bp, "/plugins/<name>/nodes/<node_id>", methods=["PUT"], summary="在组织节点启用/停用/禁止功能模块",
           body=STATE_BODY, tags=["plugins"])
@login_required
def put_node_state(name, node_id):
    db = get_session()
    # Scope before body: a foreign node is a 404 whatever was sent.
    node = node_in_scope(db, node_id, scope_for(current_actor, "core.plugin_enable"))
    state = json_body(STATE_BODY)["state"]
    if service.needs_forbid_permission(db, name, node.path, state) and not can(current_actor, "core.plugin_forbid", node.path):
        deny("core.plugin_forbid")
    change = service.set_state(db, _host(), name, node.path, state, actor=current_actor.username)
    db.commit()
    return {"plugin": name, "org_path": node.path, "old_state": change.old_state, "state": change.new_state}


@api_route(bp, "/plugins/usage/<node_id>", summary="各功能模块在某组织节点的使用数据", tags=["plugins"])
@login_required
def usage(node_id):
    _require_plugin_viewer()
    node = node_in_scope(get_session(), node_id, scope_for(current_actor, "core.plugin_enable"))
    return {"org_path": node.path, "figures": usage_figures(current_app, policy_engine(), node.path)}
