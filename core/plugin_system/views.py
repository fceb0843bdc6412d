"""The plugins page (功能模块): what is installed, what failed to load, and where each is on."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core.api.errors import ServiceError
from core.auth.actor import current_actor
from core.db import get_session
from core.permissions.access import can, deny, login_required, scope_for
from core.plugin_system import enablement
from core.plugin_system.api import node_in_scope, plugin_json
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
    nodes = db.exec(scope_of_model(select(OrgNode), scope, OrgNode).order_by(OrgNode.path).limit(1000)).all()
    chosen = request.args.get("node") or (nodes[0].id if nodes else "")
    chosen_node = next((n for n in nodes if n.id == chosen), None)
    path = chosen_node.path if chosen_node else current_actor.org_path
    plugins = [plugin_json(db, p, path) for p in state_of().host.plugins.values()]
    return render_template(
        "core/plugins/index.html",
        plugins=plugins,
        nodes=nodes,
        chosen=chosen_node,
        may_forbid=bool(chosen_node and can(current_actor, "core.plugin_forbid", chosen_node.path)),
    )


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
    try:
        change = enablement.set_state(db, state_of().host, name, node.path, state, actor=current_actor.username)
        db.commit()
        flash(
            _(
                "“%(name)s”在%(node)s：%(old)s → %(new)s",
                name=name,
                node=node.name,
                old=_(enablement.STATE_TITLES[change.old_state]),
                new=_(enablement.STATE_TITLES[change.new_state]),
            )
        )
    except ServiceError as error:
        db.rollback()
        flash(_("未能完成：%(reason)s", reason=str(error)), "error")
    return redirect(url_for("core_plugins.index", node=node.id))
