"""The impact preview shown before every lifecycle step: what the step would touch."""

import logging

from flask import current_app
from sqlmodel import select

from core.db import system_query
from core.lifecycle.states import lifecycle_at, live_steps
from core.permissions.ids import package_subject
from core.permissions.models import CasbinRule, RolePackage
from core.plugin_system.api import block_placements
from core.state import state_of
from core.tree.bound import records_by_plugin
from core.tree.models import OrgNode
from core.tree.scope import DataScope, scope_of_model


def impact(db, policy, plugin, org_path):
    """A dict the page and the API show before a step at ``org_path``."""
    nodes = _nodes_in_use(db, policy, plugin, org_path)
    placed = block_placements(current_app, db, org_path).get(plugin, {})
    return {
        "nodes_affected": len(nodes),
        "node_names": [name for _path, name in nodes[:10]],
        "scenarios": placed.get("scenarios", 0),
        "scenario_titles": placed.get("titles", [])[:10],
        "scenarios_placed": placed.get("placed", [])[:10],  # linked: the admin can look before confirming
        "records": records_by_plugin(db, state_of().org_bound_tables, org_path).get(plugin, {}),
        "role_packages": _packages_using(db, plugin),
        "consumers": _consumers_of(plugin),
        "open_work": _open_work(plugin, org_path),
        "retired_below": [
            step.org_path for step in live_steps(db, plugin) if step.org_path != org_path and step.state == "retired"
        ],
    }


def _nodes_in_use(db, policy, plugin, org_path):
    """(path, name) of the nodes at and under ``org_path`` where the module is on now."""
    statement = scope_of_model(select(OrgNode.path, OrgNode.name), DataScope((org_path,)), OrgNode)
    steps = live_steps(db, plugin)
    found = db.exec(statement.order_by(OrgNode.path)).all()
    return [
        (path, name)
        for path, name in found
        if policy.plugin_enabled(plugin, path) or lifecycle_at(steps, path).state == "retired"
    ]


def _packages_using(db, plugin):
    """Titles of the role packages holding any of the plugin's permissions."""
    names = db.exec(
        system_query(
            select(CasbinRule.v0).where(CasbinRule.ptype == "p", CasbinRule.v2.startswith(plugin + ".")),
            "which packages reference a module's permissions",
        )
    ).all()
    subjects = set(names)
    packages = db.exec(select(RolePackage).order_by(RolePackage.title_zh)).all()
    return [package.title_zh for package in packages if package_subject(package.name) in subjects]


def _consumers_of(plugin):
    """Titles of the other loaded plugins whose manifests consume one of its events."""
    host = state_of().host
    titles = host.titles()
    consumers = []
    for other in host.loaded():
        if other.name == plugin or not other.manifest:
            continue
        consumed = other.manifest.data.get("events", {}).get("consumes", [])
        if any(str(name).startswith(plugin + ".") for name in consumed):
            consumers.append(titles.get(other.name, other.name))
    return sorted(consumers)


def _open_work(plugin, org_path):
    merged = {}
    try:
        for result in state_of().host.call_for({plugin}, "gridwork_open_work", org_path=org_path):
            merged.update({str(key): int(value) for key, value in (result or {}).items() if value})
    except Exception:  # a plugin's bug must not hide the rest of the preview
        logging.getLogger(__name__).exception("gridwork_open_work failed for %s", plugin)
    return merged
