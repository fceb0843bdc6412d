"""The lifecycle page (模块下线) of one module at one node: its state, the impact preview, the
next steps as forms, the exports kept; and the notice a flagged module shows on its own pages."""

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.api.errors import ServiceError
from core.auth.actor import current_actor
from core.db import get_session
from core.lifecycle.actions import exports_at, history_at, may_download_exports, retirable_node, run_step
from core.lifecycle.notice import page_notice
from core.lifecycle.preview import impact
from core.lifecycle.states import lifecycle_at, live_steps
from core.orgs.service import place_names
from core.permissions.access import can, login_required, policy_engine
from core.state import state_of

bp = Blueprint("core_lifecycle", __name__)


@bp.app_context_processor
def lifecycle_context():
    return {"lifecycle_notice": page_notice}


DONE = {
    "flag": "已发出下线提示",
    "freeze": "已冻结（只读）",
    "retire": "已下线，完整导出已存档",
    "restore": "已恢复，一切如初",
    "purge": "数据已清除",
    "cut": "已安排全县下线",
}


@bp.route("/modules/<name>/lifecycle/<node_id>")
@login_required
def page(name, node_id):
    db = get_session()
    node = retirable_node(db, node_id)
    title = _title_or_404(name)
    here = lifecycle_at(live_steps(db, name), node.path)
    return render_template(
        "core/lifecycle/page.html",
        plugin=name,
        plugin_title=title,
        node=node,
        place=place_names(db, [node.path])[node.path],
        here=here,
        impact=impact(db, policy_engine(), name, node.path),
        places=place_names(db, impact_paths(db, name, node.path)),
        table_titles=table_titles(name),
        history=history_at(db, name, node.path),
        exports=exports_at(db, name, node.path) if may_download_exports(node.path) else [],
        may_purge=can(current_actor, "core.plugin_purge", node.path),
        cut=request.args.get("cut") == "1" and node.kind == "county",
    )


def table_titles(name):
    """{table: a short Chinese name} from the manifest's descriptions ("居民：姓名、…" → "居民")."""
    tables = state_of().host.get(name).manifest.data.get("tables", [])
    short = {entry["name"]: re.split("[：（(]", entry.get("description") or entry["name"])[0] for entry in tables}
    return {"core_attachment": "照片和附件", **short}


def impact_paths(db, name, path):
    return [path] + [step.org_path for step in live_steps(db, name)]


def _step_page(step):
    def view(name, node_id):
        db = get_session()
        node = retirable_node(db, node_id)
        _title_or_404(name)
        try:
            run_step(db, name, node, step, request.form)
            db.commit()
            flash(_(DONE[step]))
        except ServiceError as error:
            db.rollback()
            if error.status == 403:
                raise
            flash(_("未能完成：%(reason)s", reason=error.detail), "error")
        return redirect(url_for("core_lifecycle.page", name=name, node_id=node.id))

    view.__name__ = f"post_{step}"
    return view


for _step in DONE:  # one route per step: no step variable for the cross-tenant matrix to fill
    bp.add_url_rule(
        f"/modules/<name>/lifecycle/<node_id>/{_step}", view_func=login_required(_step_page(_step)), methods=["POST"]
    )


def _title_or_404(name):
    from core.api import not_found

    if name == "core" or state_of().host.get(name) is None:
        raise not_found()
    return state_of().host.titles().get(name, name)
