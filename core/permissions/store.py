"""Every write to the policy: packages, their permissions, grants.

We write ``core_casbin_rule`` rows ourselves, in the caller's transaction, instead of
through the enforcer's mutation API. That keeps a grant, its audit entry and the policy
version bump atomic, and sidesteps pycasbin's known write bugs by construction
(library-notes §2.8): a duplicate grant is a no-op, a revocation deletes exactly one row
by id, and every process reloads from the table when the version moves.
"""

from flask import has_app_context
from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select

from core.api.errors import ServiceError
from core.db import on_commit
from core.permissions.ids import package_subject, user_subject
from core.permissions.models import CasbinRule, PolicyVersion, RolePackage
from core.state import state_of
from core.timeutil import utcnow
from core.tree.paths import is_valid_path

POLICY_CHANGED = "gridwork.policy_changed"


def bump_policy_version(session):
    session.exec(
        update(PolicyVersion)
        .where(PolicyVersion.id == 1)
        .values(version=PolicyVersion.version + 1, changed_at=utcnow())
    )
    if not session.info.get(POLICY_CHANGED):
        session.info[POLICY_CHANGED] = True
        on_commit(session, lambda: _refresh_this_process(session))


def _refresh_this_process(session):
    """This process sees its own change at once; the others see the version bump."""
    session.info.pop(POLICY_CHANGED, None)
    if has_app_context():
        state_of().policy.force_refresh()


def find_grant(session, user_id, package_name, path):
    return session.exec(
        select(CasbinRule).where(
            CasbinRule.ptype == "g",
            CasbinRule.v0 == user_subject(user_id),
            CasbinRule.v1 == package_subject(package_name),
            CasbinRule.v2 == path,
        )
    ).first()


def grant_package(session, user_id, package_name, path):
    """Bind ``package_name`` to the user at ``path`` (and its subtree). Idempotent."""
    return grant_package_once(session, user_id, package_name, path)[0]


def grant_package_once(session, user_id, package_name, path):
    """``grant_package``, also saying whether *this* call created the grant: of several
    identical requests racing, exactly one gets True (the unique index decides)."""
    if not is_valid_path(path):
        raise ServiceError(422, "组织路径格式不正确。", "/org_path")
    if session.get(RolePackage, package_name) is None:
        raise ServiceError(404, "角色包不存在。", "/package")
    existing = find_grant(session, user_id, package_name, path)
    if existing is not None:
        return existing, False
    values = {"ptype": "g", "v0": user_subject(user_id), "v1": package_subject(package_name), "v2": path}
    # ON CONFLICT, not a savepoint: a concurrent identical grant may win the unique index,
    # and pysqlite's legacy transactions make SAVEPOINT commit on its own.
    # RETURNING, not rowcount: for an ORM-enabled INSERT the driver's rowcount counts the
    # parameter sets, so on PostgreSQL every racer that lost to ON CONFLICT still saw 1.
    created = session.execute(_insert_ignoring_duplicates(session, values).returning(CasbinRule.id)).first() is not None
    if created:
        bump_policy_version(session)
    return find_grant(session, user_id, package_name, path), created


def _insert_ignoring_duplicates(session, values):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return (
        dialect.insert(CasbinRule)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["ptype", "v0", "v1", "v2"], index_where=CasbinRule.ptype == "g")
    )


def revoke_grant(session, rule):
    """Delete exactly this grant row (never a pattern: the adapter's batch delete over-deletes)."""
    session.delete(rule)
    session.flush()
    bump_policy_version(session)


def set_package_permissions(session, package_name, permissions):
    """Make the package's ``p`` rules exactly ``permissions``; returns (added, removed)."""
    subject = package_subject(package_name)
    wanted = set(permissions)
    rows = session.exec(select(CasbinRule).where(CasbinRule.ptype == "p", CasbinRule.v0 == subject)).all()
    current = {row.v2: row for row in rows}
    removed = sorted(set(current) - wanted)
    added = sorted(wanted - set(current))
    for name in removed:
        session.delete(current[name])
    for name in added:
        session.add(CasbinRule(ptype="p", v0=subject, v1="*", v2=name))
    if added or removed:
        session.flush()
        bump_policy_version(session)
    return added, removed


def delete_package(session, package):
    if count_grants_of_package(session, package.name):
        raise ServiceError(409, "该角色包仍授予给账号，请先收回授权。", "/name")
    set_package_permissions(session, package.name, ())
    session.delete(package)
    session.flush()


def count_grants_of_package(session, package_name):
    return session.exec(
        select(func.count())
        .select_from(CasbinRule)
        .where(CasbinRule.ptype == "g", CasbinRule.v1 == package_subject(package_name))
    ).one()


def rewrite_grant_paths(session, old_prefix, new_prefix):
    """After a move or merge: grants at or under ``old_prefix`` follow the node to ``new_prefix``.
    A grant that would duplicate an existing one is dropped."""
    rows = session.exec(
        select(CasbinRule).where(
            CasbinRule.ptype == "g",
            (CasbinRule.v2 == old_prefix) | CasbinRule.v2.startswith(old_prefix + "/", autoescape=True),
        )
    ).all()
    for row in rows:
        new_path = new_prefix + row.v2[len(old_prefix) :]
        duplicate = session.exec(
            select(CasbinRule.id).where(
                CasbinRule.ptype == "g", CasbinRule.v0 == row.v0, CasbinRule.v1 == row.v1, CasbinRule.v2 == new_path
            )
        ).first()
        if duplicate is None:
            row.v2 = new_path
            session.add(row)
        else:
            session.delete(row)
    if rows:
        session.flush()
        bump_policy_version(session)
    return len(rows)
