"""Role packages (角色包): the rules the JSON API and the pages share (grants: grants.py).

Nobody hands out more than they hold: packages are global (one set for every county), so
only holders of ``core.package_write`` at EVERY root edit them, adding only permissions
they hold at every root; a package is granted or revoked at a node only by someone holding
all of it there (revoking too: a community admin must not remove the supervisor placed
over them). ``first_missing_permission`` is that rule; account management uses it too.
Functions write in the caller's transaction and never commit; a ``Refused`` (403) is audited.
"""

from contextlib import contextmanager

from flask import g
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from core.api.errors import ApiError
from core.api.text import clean_text
from core.api.validation import validate_or_raise
from core.audit.chain import record_audit
from core.permissions import store
from core.permissions.access import can, scope_for
from core.permissions.ids import PACKAGE_NAME_PATTERN, name_from_title, package_name_of
from core.permissions.models import CasbinRule, RolePackage
from core.permissions.policy_reads import package_permission_names
from core.state import state_of
from core.timeutil import isoformat, utcnow
from core.tree.paths import PATH_PATTERN
from core.tree.scope import whole_tree_scope

_TEXTS = {
    # "\S": a title of blanks only is no title.
    "title_zh": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": r"\S"},
    "title_en": {"type": "string", "maxLength": 100},
    "description": {"type": "string", "maxLength": 500},
    "permissions": {
        "type": "array",
        "uniqueItems": True,
        "maxItems": 500,
        "items": {"type": "string", "minLength": 1, "maxLength": 100},
    },
}
NEW_PACKAGE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title_zh", "permissions"],  # no name: one is made from the title
    "properties": {"name": {"type": "string", "pattern": PACKAGE_NAME_PATTERN.pattern + "|^$"}, **_TEXTS},
}
PACKAGE_UPDATE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title_zh", "permissions"],
    "properties": _TEXTS,
}
NEW_GRANT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["user_id", "package", "org_path"],
    "properties": {
        "user_id": {"type": "integer", "minimum": 1, "maximum": 2147483647},
        "package": {"type": "string", "maxLength": 64},
        # "(?!\n)": Python's "$" would also accept a trailing newline.
        "org_path": {"type": "string", "maxLength": 300, "pattern": PATH_PATTERN + r"(?!\n)"},
    },
}
NAME_TAKEN = "角色包标识“{}”已被使用，请换一个。"


class Refused(ApiError):
    """403: the actor tried to act beyond what they hold. Recorded in the audit trail."""

    def __init__(self, detail, permission):
        super().__init__(403, detail)
        self.permission = permission


@contextmanager
def refusals_named():
    """Name the permission of a ``Refused`` for the audit entry of the refusal (written by
    the shared 403 handler, ``core.permissions.refusals.audit_refusal``), then re-raise it."""
    try:
        yield
    except Refused as refusal:
        g.denied_permission = refusal.permission
        raise


def catalogue():
    return state_of().catalogue


def permission_label(name):
    """A permission as a refusal names it: its title (the code travels in problem+json's
    ``permission`` field, for admins and integrations, not in the sentence people read)."""
    permission = catalogue().get(name)
    return f"“{permission.title_zh}”" if permission else name


# ------------------------------------------------------------------ packages


def package_writer_roots(db, actor):
    """Every root node, when the actor may edit packages at each of them; else []. Packages
    are global, so a county admin of one county must not reshape another county's roles."""
    roots = list(whole_tree_scope(db).paths)
    if roots and all(can(actor, "core.package_write", root) for root in roots):
        return roots
    return []


def list_packages(db, actor):
    packages = db.exec(select(RolePackage).order_by(RolePackage.builtin.desc(), RolePackage.name)).all()
    permissions = {}
    for subject, permission in db.exec(select(CasbinRule.v0, CasbinRule.v2).where(CasbinRule.ptype == "p")):
        permissions.setdefault(package_name_of(subject), set()).add(permission)
    counts = _grant_counts(db, scope_for(actor, "core.grant_read"))
    return [package_json(p, permissions.get(p.name, ()), counts.get(p.name, 0)) for p in packages]


def _grant_counts(db, scope):
    """Grants per package, counted only where the actor may see grants."""
    rows = db.exec(
        select(CasbinRule.v1, func.count())
        .where(CasbinRule.ptype == "g", scope.clause(CasbinRule.v2))
        .group_by(CasbinRule.v1)
    ).all()
    return {package_name_of(subject): count for subject, count in rows}


def get_package(db, actor, name):
    package = _package_or_404(db, name)
    counts = _grant_counts(db, scope_for(actor, "core.grant_read"))
    return package_json(package, package_permission_names(db, name), counts.get(name, 0))


def package_json(package, permissions, grant_count):
    return {
        "name": package.name,
        "title_zh": package.title_zh,
        "title_en": package.title_en,
        "description": package.description,
        "builtin": package.builtin,
        "permissions": sorted(permissions),
        "grant_count": grant_count,
        "created_at": isoformat(package.created_at),
        "updated_at": isoformat(package.updated_at),
    }


def create_package(db, actor, data, ip=""):
    validate_or_raise(NEW_PACKAGE, data)
    name = data.get("name") or _free_name(db, name_from_title(data["title_zh"]))
    if not PACKAGE_NAME_PATTERN.fullmatch(name):  # the schema's "$" also accepts a trailing newline
        raise ApiError(422, "角色包标识格式不正确：应以小写字母开头，只含小写字母、数字和下划线。", pointer="/name")
    roots = _require_root_writer(db, actor)
    _check_permissions(actor, roots, data["permissions"], added=data["permissions"])
    if db.get(RolePackage, name) is not None:
        raise ApiError(409, NAME_TAKEN.format(name), pointer="/name")
    package = RolePackage(name=name, builtin=False, **_texts(data))
    db.add(package)
    try:
        db.flush()
    except IntegrityError:  # created by someone else a moment ago
        db.rollback()
        raise ApiError(409, NAME_TAKEN.format(name), pointer="/name") from None
    store.set_package_permissions(db, name, data["permissions"])
    record_audit(
        db,
        "core.package_created",
        actor=actor.username,
        target=f"package:{name}",
        org_path=roots[0],
        detail={"title_zh": package.title_zh, "permissions": sorted(data["permissions"])},
        ip=ip,
    )
    return package_json(package, data["permissions"], 0)


def _free_name(db, base):
    """``base``, or ``base_2``, ``base_3`` … — the first identifier no package has yet."""
    taken = set(db.exec(select(RolePackage.name).where(RolePackage.name.startswith(base, autoescape=True))).all())
    suffix = 1
    name = base
    while name in taken:
        suffix += 1
        name = f"{base[:60]}_{suffix}"
    return name


def update_package(db, actor, name, data, ip=""):
    validate_or_raise(PACKAGE_UPDATE, data)
    roots = _require_root_writer(db, actor)
    package = _package_or_404(db, name)
    wanted = data["permissions"]
    _check_permissions(actor, roots, wanted, added=set(wanted) - package_permission_names(db, name))
    texts = _texts(data)
    changed = sorted(field for field, value in texts.items() if getattr(package, field) != value)
    for field in changed:
        setattr(package, field, texts[field])
    added, removed = store.set_package_permissions(db, name, wanted)
    if changed or added or removed:
        package.updated_at = utcnow()
        db.add(package)
        record_audit(
            db,
            "core.package_updated",
            actor=actor.username,
            target=f"package:{name}",
            org_path=roots[0],
            detail={"added": added, "removed": removed, "fields": changed},
            ip=ip,
        )
    return get_package(db, actor, name)


def delete_package(db, actor, name, ip=""):
    roots = _require_root_writer(db, actor)
    package = _package_or_404(db, name)
    if package.builtin:
        raise ApiError(409, f"“{package.title_zh}”是内置角色包，不能删除（可以修改它的权限）。", pointer="/name")
    permissions = sorted(package_permission_names(db, name))
    store.delete_package(db, package)
    record_audit(
        db,
        "core.package_deleted",
        actor=actor.username,
        target=f"package:{name}",
        org_path=roots[0],
        detail={"title_zh": package.title_zh, "permissions": permissions},
        ip=ip,
    )


def _require_root_writer(db, actor):
    roots = package_writer_roots(db, actor)
    if not roots:
        raise Refused(
            "角色包在所有县/区通用，只有在每一个县/区（根节点）都持有“编辑角色包”权限的账号才能修改。",
            "core.package_write",
        )
    return roots


def _check_permissions(actor, roots, permissions, added):
    known = catalogue()
    for index, name in enumerate(permissions):
        if name not in known:
            raise ApiError(
                422, f"第 {index + 1} 项权限不存在（只能选用权限目录中的权限）。", pointer=f"/permissions/{index}"
            )
    for name in sorted(added):
        if not all(can(actor, name, root) for root in roots):
            raise Refused(
                f"您并非在每一个县/区（根节点）都持有{permission_label(name)}权限，不能把它加入角色包。", name
            )


def _package_or_404(db, name, status=404, pointer=None):
    package = db.get(RolePackage, name) if PACKAGE_NAME_PATTERN.fullmatch(name or "") else None
    if package is None:
        raise ApiError(status, f"角色包不存在：{name}", pointer=pointer)
    return package


def _texts(data):
    return {
        "title_zh": clean_text(data["title_zh"], label="角色包名称", pointer="/title_zh", max_length=100),
        "title_en": clean_text(
            data.get("title_en"), label="英文名称", pointer="/title_en", max_length=100, required=False
        ),
        "description": _description(data.get("description")),
    }


def _description(text):
    # A description may run over several lines; only its length and invisible characters matter.
    cleaned = clean_text(
        (text or "").replace("\r\n", " ").replace("\n", " "),
        label="说明",
        pointer="/description",
        max_length=500,
        required=False,
    )
    return cleaned


def package_titles(db):
    """{package name: its Chinese title}: what pages show instead of ``grid_feedback_worker``."""
    return dict(db.exec(select(RolePackage.name, RolePackage.title_zh)).all())
