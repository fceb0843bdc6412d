"""Accounts (账号管理): list, create, edit, disable and reset passwords inside a data scope.

Callers pass the actor's data scopes (``scope_for``) and an ``Acting`` (who, from where);
nothing here reads the Flask request. Nothing is committed here either: the caller commits,
so a change and its audit entry land together or not at all.
"""

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from flask_babel import gettext as _
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from core.api.errors import ServiceError
from core.api.text import clean_text
from core.audit.chain import record_audit
from core.auth.models import User
from core.auth.passwords import hash_password, password_problem
from core.auth.sessions import end_credentials
from core.db import system_query
from core.orgs.service import place_names
from core.permissions.grants import first_missing_permission
from core.permissions.ids import package_name_of, user_subject
from core.permissions.models import CasbinRule, RolePackage
from core.permissions.service import permission_label
from core.timeutil import isoformat, utcnow
from core.tree.models import OrgNode
from core.tree.paths import is_valid_path
from core.tree.scope import DataScope, scope_of_model, scoped

USERNAME_PATTERN = re.compile(r"[a-zA-Z0-9_.-]{3,64}")
DISPLAY_NAME_MAX = 100
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Acting:
    """Who is acting: for the audit trail, the "not yourself" rules and — through ``actor``,
    the signed-in user the policy engine knows — the "no more than you hold" rule."""

    user_id: int
    username: str
    ip: str = ""
    actor: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class UserFilter:
    q: str = ""
    org_path: str = ""  # subtree
    is_active: Optional[bool] = None
    limit: int = 50
    offset: int = 0


# ------------------------------------------------------------------ reading


def list_users(db, read_scope, filters):
    """(users, total) inside ``read_scope`` matching ``filters``, ordered by username."""
    rows = db.exec(
        _filtered(select(User), read_scope, filters).order_by(User.username).limit(filters.limit).offset(filters.offset)
    ).all()
    total = db.exec(_filtered(select(func.count(User.id)), read_scope, filters)).one()
    return rows, total


def _filtered(statement, read_scope, filters):
    statement = scope_of_model(statement, read_scope, User)
    if filters.q:
        needle = filters.q.lower()
        statement = statement.where(
            or_(
                func.lower(User.username).contains(needle, autoescape=True),
                func.lower(User.display_name).contains(needle, autoescape=True),
            )
        )
    if filters.org_path:
        statement = statement.where(DataScope((filters.org_path,)).clause(User.org_path))
    if filters.is_active is not None:
        statement = statement.where(User.is_active == filters.is_active)
    return statement


def get_user(db, scope, user_id):
    """The user when their home node lies inside ``scope``; 404 otherwise (never 403: an
    account outside one's scope must not even be confirmed to exist)."""
    if not 0 < user_id <= MAX_ID:  # PostgreSQL would refuse the number with an error, not "no row"
        raise ServiceError(404, _("账号不存在，或不在您的管理范围内。"))
    user = db.get(User, user_id, execution_options={"gridwork_unscoped": "checked against the scope below"})
    if user is None or not scope.covers(user.org_path):
        raise ServiceError(404, _("账号不存在，或不在您的管理范围内。"))
    return user


def describe_users(db, users, grant_scope):
    """JSON-ready dicts: the account, its home node's name, and the grants ``grant_scope`` shows."""
    names = _org_names(db, {user.org_path for user in users})
    grants = _grants_by_user(db, grant_scope, [user.id for user in users])
    return [user_json(user, names.get(user.org_path, ""), grants.get(user.id, [])) for user in users]


def user_json(user, org_name, grants):
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "org_path": user.org_path,
        "org_name": org_name,
        "is_active": user.is_active,
        "created_at": isoformat(user.created_at),
        "grants": grants,
    }


def _org_names(db, paths):
    if not paths:
        return {}
    statement = system_query(
        select(OrgNode.path, OrgNode.name).where(OrgNode.path.in_(sorted(paths))),
        "names of the home nodes of accounts the caller may already see",
    )
    return dict(db.exec(statement).all())


def _grants_by_user(db, grant_scope, user_ids):
    """Grants come from the g rows themselves, read in this transaction (not the cached
    enforcer); those outside the caller's grant_read scope stay hidden."""
    if not user_ids:
        return {}
    subjects = {user_subject(user_id): user_id for user_id in user_ids}
    rules = db.exec(
        select(CasbinRule).where(CasbinRule.ptype == "g", CasbinRule.v0.in_(list(subjects))).order_by(CasbinRule.id)
    ).all()
    found = {}
    for rule in rules:
        if grant_scope.covers(rule.v2):
            found.setdefault(subjects[rule.v0], []).append(
                {"id": rule.id, "package": package_name_of(rule.v1), "org_path": rule.v2}
            )
    return found


# ------------------------------------------------------------------ writing


def create_user(db, write_scope, acting, *, username, display_name, password, org_path, min_password_length=12):
    username = (username or "").strip()
    _check_username(username)
    display_name = _checked_display_name(display_name)
    problem = password_problem(password, username, min_password_length)
    if problem:
        raise ServiceError(422, problem, "/password")
    _checked_home_node(db, write_scope, org_path)
    if _username_taken(db, username):
        raise _username_conflict()
    user = User(username=username, display_name=display_name, org_path=org_path, password_hash=hash_password(password))
    db.add(user)
    try:
        db.flush()
    except IntegrityError:  # a concurrent request took the name between our check and insert
        db.rollback()
        raise _username_conflict() from None
    record_audit(
        db,
        "core.user_created",
        actor=acting.username,
        target=f"user:{user.id}",
        org_path=user.org_path,
        detail={"username": username, "display_name": display_name, "org_path": org_path},
        ip=acting.ip,
    )
    return user


def update_user(db, write_scope, acting, user_id, changes):
    """Apply ``changes`` (any of display_name, org_path, is_active). Disabling an account
    ends everything of theirs that still works: browser sessions and API tokens."""
    user = _managed_user(db, write_scope, acting, user_id)
    wanted = _checked_changes(db, write_scope, acting, user, changes)
    changed = {
        field: {"old": getattr(user, field), "new": value}
        for field, value in wanted.items()
        if getattr(user, field) != value
    }
    if not changed:
        return user
    for name, change in changed.items():
        setattr(user, name, change["new"])
    db.add(user)
    db.flush()
    _audit_changes(db, acting, user, changed)
    return user


def reset_password(db, write_scope, acting, user_id, password, min_password_length=12):
    """An administrator sets a new password for someone else; every session and API token of
    the account ends.
    Not for one's own: that needs the current password (/account/password), or a stolen
    session could lock its owner out."""
    user = _managed_user(db, write_scope, acting, user_id)
    if user.id == acting.user_id:
        raise ServiceError(
            422, _("不能在这里重置自己的密码，请到“修改密码”页面（/account/password）输入当前密码后修改。"), "/password"
        )
    problem = password_problem(password, user.username, min_password_length)
    if problem:
        raise ServiceError(422, problem, "/password")
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    db.add(user)
    sessions, tokens = end_credentials(db, user.id)
    record_audit(
        db,
        "core.user_password_reset",
        actor=acting.username,
        target=f"user:{user.id}",
        org_path=user.org_path,
        detail={"username": user.username, "sessions_ended": sessions, "tokens_revoked": tokens},
        ip=acting.ip,
    )
    return user


def _managed_user(db, write_scope, acting, user_id):
    """The account, if the actor may change it (404 outside the scope, 403 when it outranks them)."""
    user = get_user(db, write_scope, user_id)
    refusal = management_refusal(db, write_scope, acting, user)
    if refusal:
        raise refusal
    return user


def management_refusal(db, write_scope, acting, user):
    """Why the actor may not change ``user`` (a ServiceError 403), or None.

    Whoever can reset a password can log in as that person, so the actor must hold, at the
    node of EVERY grant the account has, every permission of that grant's package — the
    rule for granting and revoking. Otherwise a community admin could take over the data
    supervisor placed at their community and read the audit trail."""
    rules = db.exec(
        select(CasbinRule.v1, CasbinRule.v2).where(CasbinRule.ptype == "g", CasbinRule.v0 == user_subject(user.id))
    ).all()
    if not all(write_scope.covers(path) for _subject, path in rules):
        return ServiceError(
            403, _("该账号在您的管理范围之外还拥有授权，只能由上级管理员修改。"), permission="core.user_write"
        )
    for subject, path in rules:
        package = package_name_of(subject)
        missing = first_missing_permission(db, acting.actor, package, path)
        if missing:
            title = getattr(db.get(RolePackage, package), "title_zh", package)
            return ServiceError(
                403,
                _(
                    "该账号在“%(place)s”持有角色包“%(package)s”，其中的%(permission)s权限您在该节点并不持有，"
                    "只能由持有该权限的上级管理员修改此账号。",
                    place=place_names(db, [path])[path],
                    package=title,
                    permission=permission_label(missing),
                ),
                permission=missing,
            )
    return None


def _checked_changes(db, write_scope, acting, user, changes):
    wanted = {}
    if "display_name" in changes:
        wanted["display_name"] = _checked_display_name(changes["display_name"])
    if "org_path" in changes and changes["org_path"] != user.org_path:
        wanted["org_path"] = _checked_home_node(db, write_scope, changes["org_path"]).path
    if "is_active" in changes:
        if not isinstance(changes["is_active"], bool):
            raise ServiceError(422, _("启用状态必须是 true 或 false。"), "/is_active")
        if changes["is_active"] is False and user.id == acting.user_id:
            raise ServiceError(422, _("不能停用自己的账号。"), "/is_active")
        wanted["is_active"] = changes["is_active"]
    return wanted


def _audit_changes(db, acting, user, changed):
    common = {"actor": acting.username, "target": f"user:{user.id}", "org_path": user.org_path, "ip": acting.ip}
    activity = changed.pop("is_active", None)
    if changed:
        record_audit(db, "core.user_updated", detail={"username": user.username, "changes": changed}, **common)
    if activity is None:
        return
    if activity["new"]:
        record_audit(db, "core.user_enabled", detail={"username": user.username}, **common)
        return
    sessions, tokens = end_credentials(db, user.id)
    record_audit(
        db,
        "core.user_disabled",
        detail={"username": user.username, "sessions_ended": sessions, "tokens_revoked": tokens},
        **common,
    )


def _check_username(username):
    if not USERNAME_PATTERN.fullmatch(username):
        raise ServiceError(422, _("用户名须为 3–64 个字符，只能包含英文字母、数字、下划线、点和连字符。"), "/username")


def _checked_display_name(display_name):
    return clean_text(display_name, label="姓名", pointer="/display_name", max_length=DISPLAY_NAME_MAX)


def _checked_home_node(db, write_scope, org_path):
    """One answer for "no such node" and "not yours", so the form cannot probe the tree."""
    node = None
    if isinstance(org_path, str) and is_valid_path(org_path):
        node = db.exec(scoped(select(OrgNode).where(OrgNode.path == org_path), write_scope, OrgNode.path)).first()
    if node is None:
        raise ServiceError(422, _("所属组织不存在，或不在您的管理范围内。"), "/org_path")
    return node


def _username_taken(db, username):
    # Names are unique across all tenants (they log in by name), so this check is unscoped;
    # case-insensitive, so "Admin" cannot pose as "admin".
    statement = system_query(
        select(User.id).where(func.lower(User.username) == username.lower()),
        "user names are unique across the whole platform",
    )
    return db.exec(statement).first() is not None


def _username_conflict():
    return ServiceError(409, _("该用户名已被使用，请换一个。"), "/username")


def display_names(db, usernames):
    """{username: display name} for accounts named on a page (who issued, who settled, who
    changed a record); names that are no account (a mistyped login, "system") are left out."""
    wanted = sorted({name for name in usernames if name})
    if not wanted:
        return {}
    statement = select(User.username, User.display_name).where(User.username.in_(wanted))
    rows = db.exec(system_query(statement, "display names of accounts a page already names")).all()
    return {username: display or username for username, display in rows}
