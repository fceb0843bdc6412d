"""Moving and merging org nodes (调整隶属关系、合并社区): path rewrites in one transaction.

A node's path is its parent's path plus its own id, so a move or merge rewrites the path
prefix of the whole subtree, of the accounts homed there (``core_user.org_path``) and of
the grants bound there. Prefixes are matched as "equal, or followed by ``/``" with LIKE
wildcards escaped: moving ``c1/s1`` never touches ``c1/s10``.

Like ``core.orgs.service``, these functions flush and leave the commit to the caller, so
the node, its descendants, users, grants and the audit entry commit together or not at all.
"""

from sqlalchemy import String, func, literal, update

from core.api.errors import ServiceError
from core.auth.models import User
from core.orgs.service import audit_change, find_node, kind_title
from core.permissions.store import rewrite_grant_paths
from core.state import state_of
from core.tree.bound import rewrite_bound_paths
from core.tree.models import OrgNode
from core.tree.paths import covers, parent_kind


def at_or_under(column, prefix):
    return (column == prefix) | column.startswith(prefix + "/", autoescape=True)


def strictly_under(column, prefix):
    return column.startswith(prefix + "/", autoescape=True)


def _with_new_prefix(column, old_prefix, new_prefix):
    """SQL for ``new_prefix + column[len(old_prefix):]`` (SUBSTR is 1-based on both databases)."""
    return literal(new_prefix, String) + func.substr(column, len(old_prefix) + 1)


def _rewrite(db, model, condition, values):
    # synchronize_session=False: the ORM must not try to re-read tenant rows it holds
    # (that read would be unscoped); callers fix the few objects they keep by hand.
    statement = update(model).where(condition).values(values).execution_options(synchronize_session=False)
    return db.exec(statement).rowcount


def rewrite_node_paths(db, condition, old_prefix, new_prefix, depth_change=0):
    return _rewrite(
        db,
        OrgNode,
        condition,
        {
            OrgNode.path: _with_new_prefix(OrgNode.path, old_prefix, new_prefix),
            OrgNode.depth: OrgNode.depth + depth_change,
        },
    )


def rewrite_user_paths(db, old_prefix, new_prefix):
    return _rewrite(
        db,
        User,
        at_or_under(User.org_path, old_prefix),
        {User.org_path: _with_new_prefix(User.org_path, old_prefix, new_prefix)},
    )


def move_node(db, editor, node_id, new_parent_id):
    """Hang ``node_id`` under ``new_parent_id``; both must be in the editor's scope."""
    node = find_node(db, editor.scope, node_id, lock=True)
    if node.parent_id is None:
        raise ServiceError(422, "县/区是最上一级节点，不能移动。", "/parent_id")
    new_parent = find_node(db, editor.scope, new_parent_id, "/parent_id", lock=True)
    if covers(node.path, new_parent.path):
        raise ServiceError(422, "不能把节点移动到它自己或它的下级节点之下。", "/parent_id")
    expected = parent_kind(node.kind)
    if new_parent.kind != expected:
        raise ServiceError(
            422,
            f"“{kind_title(node.kind)}”只能放在“{kind_title(expected)}”之下，"
            f"“{new_parent.name}”是“{kind_title(new_parent.kind)}”。",
            "/parent_id",
        )
    if new_parent.id == node.parent_id:
        return node  # already there: nothing to rewrite or record
    old_path, old_parent_id = node.path, node.parent_id
    new_path = f"{new_parent.path}/{node.id}"
    depth_change = new_parent.depth + 1 - node.depth
    nodes = rewrite_node_paths(db, at_or_under(OrgNode.path, old_path), old_path, new_path, depth_change)
    users = rewrite_user_paths(db, old_path, new_path)
    grants = rewrite_grant_paths(db, old_path, new_path)
    records = rewrite_bound_paths(db, state_of().org_bound_tables, old_path, new_path)
    node.parent_id, node.path, node.depth = new_parent.id, new_path, node.depth + depth_change
    db.add(node)
    db.flush()
    audit_change(
        db,
        editor,
        "core.org_moved",
        node,
        {
            "old": old_path,
            "new": new_path,
            "old_parent_id": old_parent_id,
            "new_parent_id": new_parent.id,
            "nodes": nodes,
            "users": users,
            "grants": grants,
            "records": records,
        },
    )
    return node


def merge_nodes(db, editor, source_id, into_id):
    """Fold ``source_id`` into ``into_id`` (same kind): its children, accounts, grants and
    every plugin's org-bound records move to the target, then the source is deleted."""
    source = find_node(db, editor.scope, source_id, lock=True)
    target = find_node(db, editor.scope, into_id, "/into", lock=True)
    if source.id == target.id:
        raise ServiceError(422, "不能把节点合并到它自己。", "/into")
    if covers(source.path, target.path) or covers(target.path, source.path):
        raise ServiceError(422, "不能在上下级节点之间合并。", "/into")
    if source.kind != target.kind:
        raise ServiceError(
            422,
            f"只能合并同一级别的节点：“{source.name}”是“{kind_title(source.kind)}”，"
            f"“{target.name}”是“{kind_title(target.kind)}”。",
            "/into",
        )
    children = _rewrite(db, OrgNode, OrgNode.parent_id == source.id, {OrgNode.parent_id: target.id})
    # Same kind means same depth, so only the prefix changes.
    nodes = rewrite_node_paths(db, strictly_under(OrgNode.path, source.path), source.path, target.path)
    users = rewrite_user_paths(db, source.path, target.path)
    grants = rewrite_grant_paths(db, source.path, target.path)
    records = rewrite_bound_paths(db, state_of().org_bound_tables, source.path, target.path)
    db.delete(source)
    db.flush()
    audit_change(
        db,
        editor,
        "core.org_merged",
        target,
        {
            "source": source.id,
            "source_name": source.name,
            "into": target.id,
            "old": source.path,
            "new": target.path,
            "children": children,
            "nodes": nodes,
            "users": users,
            "grants": grants,
            "records": records,
        },
    )
    return target
