"""The org tree page (/orgs) and its plain-form actions (post, redirect, flash)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.api import ApiError
from core.api.errors import ServiceError
from core.auth.actor import current_actor
from core.db import get_session
from core.orgs.api import uploaded_csv
from core.orgs.csv_import import ImportRefused, import_csv
from core.orgs.restructure import merge_nodes, move_node
from core.orgs.service import Editor, create_node, delete_node, org_nodes_in, place_names, rename_node
from core.permissions.access import require, scope_for
from core.tree.paths import KIND_TITLES

bp = Blueprint("core_orgs", __name__)

READ, WRITE = "core.org_read", "core.org_write"


@bp.route("/orgs")
@require(READ)
def tree():
    return _tree_page()


def _tree_page(import_errors=None, status=200):
    nodes = org_nodes_in(get_session(), scope_for(current_actor, READ))
    write_scope = scope_for(current_actor, WRITE)
    writable = [node for node in nodes if write_scope.covers(node.path)]
    return render_template(
        "core/orgs/tree.html",
        roots=nest(nodes),
        writable=writable,
        writable_ids={node.id for node in writable},
        indent_base=min((node.depth for node in writable), default=0),
        kind_titles={kind: _(title) for kind, title in KIND_TITLES.items()},
        selected=request.args.get("node", ""),
        import_errors=import_errors,
    ), status


def nest(nodes):
    """Nodes (in path order) as a forest of {"node", "children"}; the tops are the nodes
    whose parent the actor cannot see."""
    branches = {node.id: {"node": node, "children": []} for node in nodes}
    roots = []
    for node in nodes:
        parent = branches.get(node.parent_id)
        (parent["children"] if parent else roots).append(branches[node.id])
    return roots


def _editor():
    return Editor(current_actor.username, scope_for(current_actor, WRITE), request.remote_addr or "")


def _apply(change, done_message):
    """Run ``change(db, editor)``; flash the outcome in Chinese and go back to the tree."""
    db = get_session()
    try:
        node = change(db, _editor())
    except ServiceError as error:
        db.rollback()
        flash(_("未能完成：%(reason)s", reason=error.detail), "error")
        return redirect(url_for(".tree"))
    db.commit()
    flash(done_message(node))
    return redirect(url_for(".tree", node=node.id if node else None))


def _field(name):
    return (request.form.get(name) or "").strip()


@bp.route("/orgs/create", methods=["POST"])
@require(WRITE)
def create():
    return _apply(
        lambda db, editor: create_node(
            db, editor, parent_id=_field("parent_id"), name=request.form.get("name", ""), node_id=_field("id") or None
        ),
        lambda node: _("已新建“%(name)s”。", name=node.name),
    )


@bp.route("/orgs/rename", methods=["POST"])
@require(WRITE)
def rename():
    return _apply(
        lambda db, editor: rename_node(db, editor, _field("node_id"), request.form.get("name", "")),
        lambda node: _("名称已改为“%(name)s”。", name=node.name),
    )


@bp.route("/orgs/move", methods=["POST"])
@require(WRITE)
def move():
    return _apply(
        lambda db, editor: move_node(db, editor, _field("node_id"), _field("parent_id")),
        lambda node: _("“%(name)s”已移动，现在位于 %(place)s。", name=node.name, place=place_label(node.path)),
    )


@bp.route("/orgs/merge", methods=["POST"])
@require(WRITE)
def merge():
    return _apply(
        lambda db, editor: merge_nodes(db, editor, _field("node_id"), _field("into")),
        lambda node: _("已合并到“%(name)s”。", name=node.name),
    )


@bp.route("/orgs/delete", methods=["POST"])
@require(WRITE)
def delete():
    def remove(db, editor):
        delete_node(db, editor, _field("node_id"))

    return _apply(remove, lambda _node: _("节点已删除。"))


@bp.route("/orgs/import", methods=["POST"])
@require(WRITE)
def import_file():
    """On failure the page shows every bad row at once (no redirect: the table is the answer)."""
    db = get_session()
    try:
        created = import_csv(db, _editor(), uploaded_csv())
    except ApiError as error:  # no file, too large, wrong type
        flash(_("未能完成：%(reason)s", reason=error.detail), "error")
        return redirect(url_for(".tree"))
    except ImportRefused as refused:
        db.rollback()
        return _tree_page(import_errors=refused.errors, status=422)
    db.commit()
    flash(_("已导入 %(count)s 个节点。", count=created))
    return redirect(url_for(".tree"))


def place_label(path):
    """The node's chain of names (东湖街道 › 幸福社区) for a message: people know names, not paths."""
    return place_names(get_session(), [path])[path]
