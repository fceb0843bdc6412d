"""First-run setup shared by the CLI and the demo: default role packages, the first admin."""

from sqlmodel import select

from core.audit.chain import record_audit
from core.auth.models import User
from core.auth.passwords import hash_password, password_problem
from core.db import system_query
from core.permissions.defaults import DEFAULT_PACKAGES
from core.permissions.models import RolePackage
from core.permissions.policy_reads import package_permission_names
from core.permissions.store import grant_package, set_package_permissions
from core.tree.models import OrgNode


class BootstrapError(Exception):
    pass


def ensure_default_packages(db, extra_permissions=None):
    """Create the default packages if missing and make sure each holds at least its defaults.
    Permissions an admin added stay; nothing is taken away."""
    for default in DEFAULT_PACKAGES:
        package = db.get(RolePackage, default.name)
        if package is None:
            package = RolePackage(
                name=default.name,
                title_zh=default.title_zh,
                title_en=default.title_en,
                description=default.description,
                builtin=True,
            )
            db.add(package)
            db.flush()

        wanted = set(default.permissions) | set((extra_permissions or {}).get(default.name, ()))
        set_package_permissions(db, default.name, package_permission_names(db, default.name) | wanted)


def create_first_admin(db, username, password, org_path=None):
    problem = password_problem(password, username)
    if problem:
        raise BootstrapError(problem)
    if db.exec(system_query(select(User.id).where(User.username == username), "unique login name")).first():
        raise BootstrapError(f"账号已存在：{username}")
    ensure_default_packages(db)
    path = _existing_node(db, org_path) if org_path else _default_county(db)
    user = User(username=username, display_name=username, password_hash=hash_password(password), org_path=path)
    db.add(user)
    db.flush()
    grant_package(db, user.id, "county_admin", path)
    record_audit(
        db,
        "core.user_created",
        actor="cli",
        target=f"user:{user.id}",
        org_path=path,
        detail={"username": username, "package": "county_admin", "via": "create-admin"},
    )
    return user, path


def _existing_node(db, org_path):
    """A grant at a path with no node covers nothing until someone creates that path."""
    statement = system_query(select(OrgNode.path).where(OrgNode.path == org_path), "the operator names a node")
    if db.exec(statement).first() is None:
        raise BootstrapError(f"--org：组织节点 {org_path} 不存在。首次安装请省略 --org（将创建县级节点 c01）。")
    return org_path


def _default_county(db):
    counties = db.exec(system_query(select(OrgNode).where(OrgNode.parent_id.is_(None)), "find the root")).all()
    if len(counties) > 1:
        raise BootstrapError("存在多个县级节点，请用 --org 指定。")
    if counties:
        return counties[0].path
    county = OrgNode(id="c01", kind="county", name="本县", path="c01", depth=0)
    db.add(county)
    db.flush()
    return county.path
