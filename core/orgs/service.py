"""Org tree services (组织架构): read within a data scope, create, rename, delete.

Moving and merging live in ``core.orgs.restructure``, CSV import in ``core.orgs.csv_import``.
Functions take a session and plain values and flush; the caller commits (or rolls back).
A node outside the caller's scope is reported exactly like a missing one (404).
"""

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from core.api.errors import ServiceError
from core.api.text import clean_text
from core.audit.chain import record_audit
from core.auth.models import User
from core.db import system_query
from core.permissions.models import CasbinRule
from core.state import state_of
from core.tree.bound import records_at_or_under
from core.tree.models import OrgNode
from core.tree.paths import (
    KIND_LETTERS,
    KIND_TITLES,
    KINDS,
    NODE_ID_PATTERN,
    ancestors_and_self,
    child_kind,
    is_valid_path,
)
from core.tree.scope import DataScope, scope_of_model, scoped

MAX_PAGE = 500
NAME_MAX_LENGTH = 100
NOT_FOUND = "组织节点不存在，或不在您的管理范围内。"
ROOT_REFUSED = (
    "不能通过接口新建县/区（根节点），请指定上级编号 parent_id。"
    "县/区节点由管理员用 gridwork create-admin 命令或演示数据创建。"
)
ID_RULE = "编号须以小写字母开头，只能包含小写字母、数字和下划线，最长 32 位。"
_NODE_ID = re.compile(NODE_ID_PATTERN)
# Crockford's base32 alphabet: no i, l, o, u, so a read-aloud id is not misheard.
_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
# Control, format (bidi overrides, zero-width) and line/paragraph separators.


@dataclass(frozen=True)
class Editor:
    """Who changes the tree: their ``core.org_write`` scope, and what the audit trail records."""

    username: str
    scope: DataScope
    ip: str = ""


def kind_title(kind):
    return KIND_TITLES.get(kind, kind)


def is_node_id(value):
    # fullmatch: with match, "$" would also accept a trailing newline ("m9\n").
    return isinstance(value, str) and bool(_NODE_ID.fullmatch(value))


# ---------------------------------------------------------------- reads


def find_node(db, scope, node_id, pointer=None, lock=False):
    """The node when ``scope`` covers it; otherwise ServiceError 404, whether it exists or not.

    ``lock`` (writers): hold the row until commit. A concurrent move rewrites the paths of
    the node's whole subtree, this row included, so it waits for us — and we, coming
    second, read the path it left (PostgreSQL; SQLite serialises writers anyway)."""
    if not is_node_id(node_id):
        raise ServiceError(404, NOT_FOUND, pointer)
    if not lock:  # the hot read path: a primary-key get, then the same scope test in Python
        node = db.get(OrgNode, node_id, execution_options={"gridwork_unscoped": "scope checked on the next line"})
        if node is None or not scope.covers(node.path):
            raise ServiceError(404, NOT_FOUND, pointer)
        return node
    statement = scope_of_model(select(OrgNode).where(OrgNode.id == node_id), scope, OrgNode)
    # populate_existing: a copy already in the session must not hide the locked row
    node = db.exec(statement.with_for_update().execution_options(populate_existing=True)).first()
    if node is None:
        raise ServiceError(404, NOT_FOUND, pointer)
    return node


def list_nodes(db, scope, *, kind=None, parent_id=None, q=None, limit=100, offset=0):
    """(nodes, total): nodes inside ``scope`` ordered by path, filtered and paged."""
    rows = _filtered(select(OrgNode), scope, kind, parent_id, q)
    total = db.exec(_filtered(select(func.count()).select_from(OrgNode), scope, kind, parent_id, q)).one()
    page = rows.order_by(OrgNode.path).limit(max(1, min(limit, MAX_PAGE))).offset(max(0, offset))
    return db.exec(page).all(), total


def _filtered(statement, scope, kind, parent_id, q):
    statement = scope_of_model(statement, scope, OrgNode)
    if kind:
        statement = statement.where(OrgNode.kind == kind)
    if parent_id:
        statement = statement.where(OrgNode.parent_id == parent_id)
    if q:
        statement = statement.where(OrgNode.name.contains(q, autoescape=True))
    return statement


def org_nodes_in(db, scope):
    """Every node inside ``scope``, parents before children (path order)."""
    return db.exec(scope_of_model(select(OrgNode), scope, OrgNode).order_by(OrgNode.path)).all()


# ---------------------------------------------------------------- validation


def clean_name(name, pointer="/name"):
    """The normalised, trimmed name, or ServiceError 422 saying what is wrong with it."""
    return clean_text(name, label="名称", pointer=pointer, max_length=NAME_MAX_LENGTH)


def id_taken(db, node_id):
    statement = select(OrgNode.id).where(OrgNode.id == node_id)
    return db.exec(system_query(statement, "node ids are global: uniqueness spans every county")).first() is not None


def check_id_format(node_id, pointer="/id"):
    if not is_node_id(node_id):
        raise ServiceError(422, f"编号“{node_id}”格式不正确：{ID_RULE}", pointer)
    return node_id


def check_id_free(db, node_id, pointer="/id"):
    if id_taken(db, node_id):
        raise ServiceError(409, f"编号“{node_id}”已被占用，请换一个。", pointer)
    return node_id


def new_node_id(db, kind, reserved=frozenset()):
    """A fresh id such as ``m7k2q9``: the kind's letter and five random base32 characters."""
    for _attempt in range(20):
        candidate = KIND_LETTERS[kind] + "".join(secrets.choice(_ID_ALPHABET) for _ in range(5))
        if candidate not in reserved and not id_taken(db, candidate):
            return candidate
    raise ServiceError(409, "暂时无法生成不重复的编号，请稍后重试或自行指定编号。", "/id")


def expected_child_kind(parent, kind, pointer="/kind"):
    """The kind a child of ``parent`` has; ServiceError 422 when ``kind`` (if given) disagrees."""
    expected = child_kind(parent.kind)
    if expected is None:
        raise ServiceError(422, "网格是最末一级，不能再添加下级节点。", "/parent_id")
    if kind is not None and kind not in KINDS:
        raise ServiceError(
            422, "类型不正确，应为 county（县/区）、street（街道/乡镇）、community（社区/村）或 grid（网格）。", pointer
        )
    if kind is not None and kind != expected:
        raise ServiceError(
            422,
            f"“{kind_title(parent.kind)}”下只能添加“{kind_title(expected)}”，不能添加“{kind_title(kind)}”。",
            pointer,
        )
    return expected


# ---------------------------------------------------------------- writes


def add_node(db, node_id, kind, name, parent=None):
    """Insert one node under ``parent`` (None: a root), with its path and depth. No checks."""
    path = node_id if parent is None else f"{parent.path}/{node_id}"
    node = OrgNode(
        id=node_id,
        parent_id=parent.id if parent else None,
        kind=kind,
        name=name,
        path=path,
        depth=0 if parent is None else parent.depth + 1,
    )
    db.add(node)
    return node


def create_node(db, editor, *, parent_id, name, kind=None, node_id=None):
    """A new child of ``parent_id`` (which must be in the editor's scope); audited."""
    if not parent_id:
        raise ServiceError(403, ROOT_REFUSED, "/parent_id")
    name = clean_name(name)
    if node_id is not None:
        check_id_format(node_id)
    # The parent first: with a parent outside the scope, the answer is 404 whether or not
    # the id is taken somewhere, so nobody can probe other counties' ids.
    parent = find_node(db, editor.scope, parent_id, "/parent_id", lock=True)
    if node_id is not None:
        check_id_free(db, node_id)
    kind = expected_child_kind(parent, kind)
    node = add_node(db, node_id or new_node_id(db, kind), kind, name, parent)
    try:
        db.flush()
    except IntegrityError:  # the id was taken between our check and the insert
        raise ServiceError(409, f"编号“{node.id}”已被占用，请换一个。", "/id")
    audit_change(
        db, editor, "core.org_created", node, {"id": node.id, "kind": kind, "name": name, "parent_id": parent.id}
    )
    return node


def rename_node(db, editor, node_id, name):
    node = find_node(db, editor.scope, node_id, lock=True)
    name = clean_name(name)
    if name == node.name:
        return node
    old_name, node.name = node.name, name
    db.add(node)
    db.flush()
    audit_change(db, editor, "core.org_renamed", node, {"old": old_name, "new": name})
    return node


def delete_node(db, editor, node_id):
    """Delete a leaf that nobody belongs to, nothing is granted at and no plugin keeps records
    at (409 otherwise): anything left at a deleted path would come back to life if the id
    were reused."""
    node = find_node(db, editor.scope, node_id, lock=True)
    subtree = DataScope((node.path,))
    children = db.exec(
        scoped(select(func.count()).select_from(OrgNode), subtree, OrgNode.path).where(OrgNode.id != node.id)
    ).one()
    if children:
        raise ServiceError(409, f"该节点下还有 {children} 个下级节点，不能删除。请先移走或合并下级节点。")
    users = db.exec(scoped(select(func.count()).select_from(User), subtree, User.org_path)).one()
    if users:
        raise ServiceError(409, f"该节点还有 {users} 个账号，不能删除。请先调整这些账号的所属组织。")
    grants = db.exec(
        select(func.count()).select_from(CasbinRule).where(CasbinRule.ptype == "g", subtree.clause(CasbinRule.v2))
    ).one()
    if grants:
        raise ServiceError(409, f"该节点上还有 {grants} 项授权，不能删除。请先收回这些授权。")
    held = records_at_or_under(db, state_of().org_bound_tables, node.path)
    if held:
        raise ServiceError(
            409,
            "该节点还有"
            + "、".join(
                f"“{bound.plugin_title}”的 {count} 条记录（{bound.description or bound.name}）" for bound, count in held
            )
            + "，不能删除。请先把这些记录移到其他节点，或合并该节点。",
        )
    db.delete(node)
    db.flush()
    audit_change(db, editor, "core.org_deleted", node, {"id": node.id, "kind": node.kind, "name": node.name})
    return node


def audit_change(db, editor, action, node, detail):
    record_audit(
        db, action, actor=editor.username, target=f"org:{node.id}", org_path=node.path, detail=detail, ip=editor.ip
    )


def org_node_at(db, path):
    """The org node at ``path``, or None. For plugins checking that a path a user sent is a
    real node (their scope check says only that it lies inside their subtree)."""
    if not is_valid_path(path):
        return None
    return db.exec(
        select(OrgNode)
        .where(OrgNode.path == path)
        .execution_options(gridwork_unscoped="existence check; callers apply their scope")
    ).first()


def place_names(db, paths):
    """{path: "东湖街道 › 幸福社区 › 第1网格"} — what a page shows instead of ``c01/s01/m01/g01``
    (the county left out below it: everyone on one deployment shares it)."""
    wanted = {ancestor for path in paths if is_valid_path(path) for ancestor in ancestors_and_self(path)}
    rows = db.exec(
        system_query(select(OrgNode.path, OrgNode.name).where(OrgNode.path.in_(sorted(wanted))), "names of known nodes")
    ).all()
    names = dict(rows)
    return {path: _place_name(path, names) for path in paths}


def _place_name(path, names):
    chain = [names.get(ancestor, ancestor.rsplit("/", 1)[-1]) for ancestor in ancestors_and_self(path)]
    return " › ".join(chain[1:] if len(chain) > 1 else chain)
