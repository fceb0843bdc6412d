"""Grants (授权): binding a role package to a user at an org node, and taking it back.

A package is granted or revoked at a node only by someone holding all of it there
(revoking too: a community admin must not remove the supervisor placed over them).
``first_missing_permission`` is that rule; account management uses it too.
"""

from sqlalchemy import func
from sqlmodel import select

from core.api.errors import ApiError, not_found
from core.api.validation import validate_or_raise
from core.audit.chain import record_audit
from core.auth.models import User
from core.db import system_query
from core.permissions import store
from core.permissions.access import _token_allows, policy_engine, scope_for
from core.permissions.ids import package_name_of, package_subject, user_id_of
from core.permissions.models import CasbinRule, RolePackage
from core.permissions.policy_reads import package_permission_names
from core.permissions.service import NEW_GRANT, Refused, _package_or_404, permission_label
from core.tree.models import OrgNode
from core.tree.paths import covers, is_valid_path
from core.tree.scope import DataScope, scope_of_model


def list_grants(db, actor, *, user_id=None, package=None, org_path=None, limit=100, offset=0):
    """Grants inside the actor's ``core.grant_read`` scope; returns (items, total)."""
    scope = scope_for(actor, "core.grant_read")
    statement = select(CasbinRule).where(CasbinRule.ptype == "g", scope.clause(CasbinRule.v2))
    if user_id is not None:
        statement = statement.where(CasbinRule.v0 == f"u:{int(user_id)}")
    if package:
        statement = statement.where(CasbinRule.v1 == package_subject(package))
    if org_path:
        statement = statement.where(DataScope((org_path,)).clause(CasbinRule.v2))
    total = db.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = db.exec(statement.order_by(CasbinRule.v2, CasbinRule.id).limit(limit).offset(offset)).all()
    return describe_grants(db, rows, scope), total


def get_grant(db, actor, grant_id):
    scope = scope_for(actor, "core.grant_read")
    return describe_grants(db, [_grant_in_scope(db, scope, grant_id)], scope)[0]


def describe_grants(db, rules, scope):
    """Grant rows as JSON, with the names people recognise (username, package title, node name)."""
    if not rules:
        return []
    user_ids = {user_id_of(rule.v0) for rule in rules}
    users = {
        user_id: (username, display_name)
        for user_id, username, display_name in db.exec(
            system_query(
                select(User.id, User.username, User.display_name).where(User.id.in_(user_ids)),
                "names of the holders of grants the actor may see",
            )
        ).all()
    }
    names = {package_name_of(rule.v1) for rule in rules}
    titles = dict(db.exec(select(RolePackage.name, RolePackage.title_zh).where(RolePackage.name.in_(names))).all())
    paths = {rule.v2 for rule in rules}
    nodes = dict(
        db.exec(scope_of_model(select(OrgNode.path, OrgNode.name).where(OrgNode.path.in_(paths)), scope, OrgNode)).all()
    )
    return [
        {
            "id": rule.id,
            "user_id": user_id_of(rule.v0),
            "username": users.get(user_id_of(rule.v0), ("", ""))[0],
            "display_name": users.get(user_id_of(rule.v0), ("", ""))[1],
            "package": package_name_of(rule.v1),
            "package_title": titles.get(package_name_of(rule.v1), ""),
            "org_path": rule.v2,
            "org_name": nodes.get(rule.v2, ""),
        }
        for rule in rules
    ]


def create_grant(db, actor, data, ip=""):
    """Grant a package to a user at a node; returns (grant, created). Granting twice is a no-op."""
    validate_or_raise(NEW_GRANT, data)
    scope = scope_for(actor, "core.grant_write")
    path = data["org_path"]
    _node_or_404(db, scope, path)
    package = _package_or_404(db, data["package"], 422, "/package")  # packages are global: no secret
    user = _visible_user(db, actor, int(data["user_id"]))
    _require_holds_package(db, actor, package, path, "授予")
    existing = store.find_grant(db, user.id, package.name, path)
    if existing is not None:
        return describe_grants(db, [existing], scope)[0], False
    rule, created = store.grant_package_once(db, user.id, package.name, path)
    if not created:  # an identical request won the race: no second 201, no second audit entry
        return describe_grants(db, [rule], scope)[0], False
    record_audit(
        db,
        "core.grant_created",
        actor=actor.username,
        target=f"grant:{rule.id}",
        org_path=path,
        detail={"user_id": user.id, "username": user.username, "package": package.name},
        ip=ip,
    )
    return describe_grants(db, [rule], scope)[0], True


def revoke_grant(db, actor, grant_id, ip=""):
    rule = _grant_in_scope(db, scope_for(actor, "core.grant_write"), grant_id)
    package = db.get(RolePackage, package_name_of(rule.v1))
    if package is not None:
        _require_holds_package(db, actor, package, rule.v2, "收回")
    detail = {"user_id": user_id_of(rule.v0), "package": package_name_of(rule.v1)}
    target, path = f"grant:{rule.id}", rule.v2
    store.revoke_grant(db, rule)
    record_audit(db, "core.grant_revoked", actor=actor.username, target=target, org_path=path, detail=detail, ip=ip)


def _grant_in_scope(db, scope, grant_id):
    rule = db.get(CasbinRule, grant_id)
    if rule is None or rule.ptype != "g" or not scope.covers(rule.v2):
        raise not_found()
    return rule


def _node_or_404(db, scope, path):
    """A missing node and one outside the scope answer alike: no probing the tree."""
    node = None
    if is_valid_path(path) and scope.covers(path):
        node = db.exec(scope_of_model(select(OrgNode).where(OrgNode.path == path), scope, OrgNode)).first()
    if node is None:
        raise ApiError(404, "组织节点不存在，或不在您的授权管理范围内。", pointer="/org_path")
    return node


def _visible_user(db, actor, user_id):
    user = db.get(User, user_id, execution_options={"gridwork_unscoped": "checked against user_read below"})
    if user is None or not scope_for(actor, "core.user_read").covers(user.org_path):
        raise ApiError(404, "账号不存在，或不在您的管理范围内。", pointer="/user_id")
    return user


def first_missing_permission(db, actor, package_name, path):
    """The first permission of the package the actor does not hold at ``path``, or None.

    The anti-escalation rule: an admin hands out, takes back — or, through account
    management, takes over — at most what they hold at that node."""
    for permission in sorted(package_permission_names(db, package_name)):
        held = policy_engine().scope_paths(actor.id, permission)  # held, whether or not its plugin is on
        if not (_token_allows(actor, permission) and any(covers(root, path) for root in held)):
            return permission
    return None


def _require_holds_package(db, actor, package, path, verb):
    permission = first_missing_permission(db, actor, package.name, path)
    if permission is not None:
        raise Refused(
            f"您在该节点没有{permission_label(permission)}权限，不能{verb}包含此权限的角色包“{package.title_zh}”。",
            permission,
        )
