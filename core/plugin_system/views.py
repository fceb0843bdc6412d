"""The plugins page (功能模块): what is installed, what failed to load, and where each is on."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core.api.errors import ServiceError
from core.auth.actor import current_actor
from core.db import get_session
from core.orgs.node_filter import NodeFilter, node_filter
from core.orgs.picker import node_choices
from core.orgs.service import place_names
from core.permissions.access import can, deny, login_required, scope_for
from core.plugin_system import enablement
from core.plugin_system.api import node_in_scope, plugin_json
from core.plugin_system.enablement import settings_of
from core.plugin_system.node_states import node_state, switched_off_by
from core.state import state_of
from core.tree.models import OrgNode
from core.tree.scope import scope_of_model

bp = Blueprint("core_plugins", __name__)


@bp.route("/plugins")
@login_required
def index():
    scope = scope_for(current_actor, "core.plugin_enable")
    if not scope and not scope_for(current_actor, "core.plugin_manage"):
        deny("core.plugin_enable")
    db = get_session()
    choices = node_choices(db, scope)
    wanted = _wanted_node(choices)
    chosen = _node_at(db, scope, wanted.path or (choices[0].path if choices else ""))
    path = chosen.path if chosen else current_actor.org_path
    plugins = [plugin_json(db, p, path) for p in state_of().host.plugins.values()]
    states = {p["name"]: node_state(settings_of(db, p["name"]), path) for p in plugins if p["name"] != "core"}
    return render_template(
        "core/plugins/index.html",
        plugins=plugins,
        states=states,
        choices=choices,
        chosen=chosen,
        error=wanted.problem,
        places=place_names(db, [path] + [s.origin_path for s in states.values() if s.origin_path]),
        may_forbid=bool(chosen and can(current_actor, "core.plugin_forbid", chosen.path)),
        may_retire=bool(chosen and can(current_actor, "core.plugin_retire", chosen.path)),
    )


def _wanted_node(choices):
    """The node ``?node=`` names: a path from the picker, a node number from a link, or a
    typed name (unclear: a Chinese message, and the page shows the first node)."""
    wanted = (request.args.get("node") or "").strip()
    by_number = {choice.path.rsplit("/", 1)[-1]: choice.path for choice in choices}
    if wanted in by_number:
        return NodeFilter(by_number[wanted])
    return node_filter(choices, wanted, _("组织节点"))


def _node_at(db, scope, path):
    statement = scope_of_model(select(OrgNode).where(OrgNode.path == path), scope, OrgNode)
    return db.exec(statement).first() if path else None


@bp.route("/plugins/<name>/state", methods=["POST"])
@login_required
def set_state(name):
    db = get_session()
    node = node_in_scope(db, request.form.get("node_id", ""), scope_for(current_actor, "core.plugin_enable"))
    state = request.form.get("state", "")
    if enablement.needs_forbid_permission(db, name, node.path, state) and not can(
        current_actor, "core.plugin_forbid", node.path
    ):
        deny("core.plugin_forbid")
    if request.form.get("confirmed") != "1":
        losing = switched_off_by(db, name, node.path, state)
        if losing:
            return _confirmation(db, name, node, state, losing)
    try:
        change = enablement.set_state(db, state_of().host, name, node.path, state, actor=current_actor.username)
        db.commit()
        flash(
            _(
                "“%(name)s”在%(node)s：%(old)s → %(new)s",
                name=state_of().host.titles().get(name, name),
                node=node.name,
                old=_(enablement.STATE_TITLES[change.old_state]),
                new=_(enablement.STATE_TITLES[change.new_state]),
            )
        )
    except ServiceError as error:
        db.rollback()
        flash(_("未能完成：%(reason)s", reason=str(error)), "error")
    return redirect(url_for("core_plugins.index", node=node.id))


def _origins(states):
    return [state.origin_path for state in states.values() if state.origin_path]


def _confirmation(db, name, node, state, losing):
    """Switching a plugin off somewhere asks first, naming the node and counting the nodes
    at and below it that lose the module (their records stay: nothing is deleted)."""
    return render_template(
        "core/plugins/confirm.html",
        plugin=name,
        plugin_title=state_of().host.titles().get(name, name),
        node=node,
        place=place_names(db, [node.path])[node.path],
        state=state,
        losing=len(losing),
        losing_below=len([path for path in losing if path != node.path]),
    )
