"""Accounts API (账号管理): /api/v1/users. Thin: parse, call core.users.service, answer JSON."""

from flask import current_app, request, url_for
from flask_babel import gettext as _

from core.api import api_blueprint, api_route, json_body
from core.api.errors import ServiceError
from core.auth.actor import current_actor
from core.db import get_session
from core.permissions.access import require, scope_for
from core.tree.paths import is_valid_path
from core.users import service
from core.users.service import Acting, UserFilter

bp = api_blueprint("core_users_api", __name__)

READ, WRITE, GRANT_READ = "core.user_read", "core.user_write", "core.grant_read"
LIST_LIMIT_MAX = 200

_USERNAME = {"type": "string", "maxLength": 64}
_DISPLAY_NAME = {"type": "string", "maxLength": service.DISPLAY_NAME_MAX}
_ORG_PATH = {"type": "string", "maxLength": 300}
_PASSWORD = {"type": "string", "maxLength": 128}

NEW_USER = {
    "type": "object",
    "additionalProperties": False,
    "required": ["username", "display_name", "password", "org_path"],
    "properties": {"username": _USERNAME, "display_name": _DISPLAY_NAME, "password": _PASSWORD, "org_path": _ORG_PATH},
}
USER_CHANGES = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"display_name": _DISPLAY_NAME, "org_path": _ORG_PATH, "is_active": {"type": "boolean"}},
}
NEW_PASSWORD = {
    "type": "object",
    "additionalProperties": False,
    "required": ["password"],
    "properties": {"password": _PASSWORD},
}


def acting_now():
    """The signed-in actor as the service layer wants it."""
    return Acting(
        user_id=current_actor.id,
        username=current_actor.username,
        ip=request.remote_addr or "",
        actor=current_actor._get_current_object(),
    )


def min_password_length():
    return current_app.config["PASSWORD_MIN_LENGTH"]


def filter_from_query(args):
    """A ``UserFilter`` from query-string values; 422 naming the parameter when one is bad."""
    org_path = (args.get("org_path") or "").strip()
    if org_path and not is_valid_path(org_path):
        raise ServiceError(422, _("组织路径格式不正确。"), "/org_path")
    return UserFilter(
        q=(args.get("q") or "").strip()[:100],
        org_path=org_path,
        is_active=_optional_bool(args.get("is_active")),
        limit=_bounded_int(args.get("limit"), 50, 1, LIST_LIMIT_MAX, "/limit"),
        offset=_bounded_int(args.get("offset"), 0, 0, 10**9, "/offset"),
    )


def _optional_bool(raw):
    if raw in (None, ""):
        return None
    if raw in ("true", "1"):
        return True
    if raw in ("false", "0"):
        return False
    raise ServiceError(422, _("is_active 只能是 true 或 false。"), "/is_active")


def _bounded_int(raw, default, low, high, pointer):
    if raw in (None, ""):
        return default
    # Length first: int() refuses (ValueError, a 500) strings of more than 4300 digits.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or not low <= int(raw) <= high:
        raise ServiceError(
            422,
            _("%(name)s 必须是 %(low)s 到 %(high)s 之间的整数。", name=pointer.lstrip("/"), low=low, high=high),
            pointer,
        )
    return int(raw)


def _described(db, users):
    return service.describe_users(db, users, scope_for(current_actor, GRANT_READ))


LIST_QUERY = {
    "type": "object",
    "properties": {
        "q": {"type": "string", "maxLength": 100, "description": "用户名或姓名包含的文字"},
        "org_path": {"type": "string", "maxLength": 300, "description": "只列这个组织子树的账号"},
        "is_active": {"enum": ["true", "false"], "description": "启用或停用的账号"},
        "limit": {"type": "integer", "minimum": 1, "maximum": LIST_LIMIT_MAX, "description": "每页条数"},
        "offset": {"type": "integer", "minimum": 0, "description": "跳过的条数"},
    },
}


@api_route(bp, "/users", summary="账号列表（仅限管理范围内）", tags=["users"], query=LIST_QUERY)
@require(READ)
def list_users():
    db = get_session()
    filters = filter_from_query(request.args)
    users, total = service.list_users(db, scope_for(current_actor, READ), filters)
    return {"items": _described(db, users), "total": total, "limit": filters.limit, "offset": filters.offset}


@api_route(
    bp,
    "/users",
    methods=["POST"],
    summary="新建账号",
    body=NEW_USER,
    tags=["users"],
    responses={"201": {"description": "已新建"}},
)
@require(WRITE)
def create_user():
    data = json_body(NEW_USER)
    db = get_session()
    user = service.create_user(
        db, scope_for(current_actor, WRITE), acting_now(), min_password_length=min_password_length(), **data
    )
    db.commit()
    location = url_for("core_users_api.get_user", user_id=user.id)
    return _described(db, [user])[0], 201, {"Location": location}


@api_route(bp, "/users/<int:user_id>", summary="查看账号", tags=["users"])
@require(READ)
def get_user(user_id):
    db = get_session()
    return _described(db, [service.get_user(db, scope_for(current_actor, READ), user_id)])[0]


@api_route(
    bp,
    "/users/<int:user_id>",
    methods=["PATCH"],
    summary="修改账号（姓名、所属组织、启用/停用）",
    body=USER_CHANGES,
    tags=["users"],
)
@require(WRITE)
def update_user(user_id):
    changes = json_body(USER_CHANGES)
    db = get_session()
    user = service.update_user(db, scope_for(current_actor, WRITE), acting_now(), user_id, changes)
    db.commit()
    return _described(db, [user])[0]


@api_route(
    bp,
    "/users/<int:user_id>/password",
    methods=["POST"],
    summary="管理员重置账号密码",
    body=NEW_PASSWORD,
    tags=["users"],
    responses={"204": {"description": "已重置"}},
)
@require(WRITE)
def reset_password(user_id):
    data = json_body(NEW_PASSWORD)
    db = get_session()
    service.reset_password(
        db, scope_for(current_actor, WRITE), acting_now(), user_id, data["password"], min_password_length()
    )
    db.commit()
    return "", 204
