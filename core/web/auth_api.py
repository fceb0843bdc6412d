"""Auth API: issue a token from name + password, the caller's own profile, its tokens."""

from flask import request
from sqlmodel import select

from core.api import ApiError, api_blueprint, api_route, json_body, not_found
from core.audit.chain import record_audit
from core.auth.actor import current_actor
from core.auth.login import LoginRefused, LoginThrottled, authenticate
from core.auth.models import ApiToken, User
from core.auth.throttle import retry_after_seconds
from core.auth.tokens import create_token as store_token
from core.db import get_session, system_query
from core.permissions.access import login_required, policy_engine
from core.state import state_of
from core.timeutil import isoformat, utcnow

bp = api_blueprint("core_auth_api", __name__)

# A name people recognise on the 访问令牌 page: not empty, not only spaces.
TOKEN_NAME = {
    "type": "string",
    "minLength": 1,
    "maxLength": 100,
    "pattern": r"\S",
    "x-message": "令牌名称须是 1–100 个字符的文字，且不能只有空格。",
}
TOKEN_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["username", "password"],
    "properties": {
        "username": {"type": "string", "minLength": 1, "maxLength": 64},
        "password": {"type": "string", "minLength": 1, "maxLength": 128},
        "name": TOKEN_NAME,
    },
}
NEW_TOKEN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": TOKEN_NAME,
        "scopes": {"type": "array", "items": {"type": "string", "maxLength": 100}, "minItems": 1},
    },
}


@api_route(
    bp,
    "/auth/token",
    methods=["POST"],
    summary="用用户名和密码换取访问令牌",
    body=TOKEN_REQUEST,
    tags=["auth"],
    public=True,
    responses={"201": {"description": "已签发访问令牌"}},
)
def issue_token():
    data = json_body(TOKEN_REQUEST)
    db = get_session()
    try:
        user = authenticate(db, data["username"], data["password"])
    except LoginThrottled as refusal:
        raise ApiError(429, refusal.message, headers={"Retry-After": str(retry_after_seconds())})
    except LoginRefused as refusal:
        raise ApiError(401, refusal.message)
    row, plaintext = store_token(db, user, (data.get("name") or "API").strip())
    record_audit(
        db,
        "core.token_created",
        actor=user.username,
        target=f"token:{row.id}",
        org_path=user.org_path,
        ip=request.remote_addr or "",
        detail={"name": row.name, "via": "password"},
    )
    db.commit()
    return {"token": plaintext, "token_type": "Bearer", **token_json(row)}, 201


@api_route(bp, "/me", summary="当前用户与其授权", tags=["auth"])
@login_required
def me():
    return {
        "id": current_actor.id,
        "username": current_actor.username,
        "display_name": current_actor.display_name,
        "org_path": current_actor.org_path,
        "grants": [
            {"package": package, "org_path": path} for package, path in policy_engine().grants_of(current_actor.id)
        ],
        "via": "token" if current_actor.token_id else "session",
    }


@api_route(bp, "/tokens", summary="我的访问令牌", tags=["auth"])
@login_required
def list_tokens():
    rows = (
        get_session()
        .exec(
            system_query(
                select(ApiToken).where(ApiToken.user_id == current_actor.id).order_by(ApiToken.created_at.desc()),
                "the actor's own tokens",
            )
        )
        .all()
    )
    return {"items": [token_json(row) for row in rows], "total": len(rows)}


@api_route(
    bp,
    "/tokens",
    methods=["POST"],
    summary="新建访问令牌",
    body=NEW_TOKEN,
    tags=["auth"],
    responses={"201": {"description": "已新建访问令牌"}},
)
@login_required
def create_token():
    data = json_body(NEW_TOKEN)
    _refuse_token_actors()
    scopes = _checked_scopes(data.get("scopes") or ["*"])
    db = get_session()
    user = _own_user(db)
    row, plaintext = store_token(db, user, data["name"].strip(), scopes)
    record_audit(
        db,
        "core.token_created",
        actor=user.username,
        target=f"token:{row.id}",
        org_path=user.org_path,
        ip=request.remote_addr or "",
        detail={"name": row.name, "scopes": row.scopes},
    )
    db.commit()
    return {"token": plaintext, "token_type": "Bearer", **token_json(row)}, 201


@api_route(
    bp,
    "/tokens/<token_id>",
    methods=["DELETE"],
    summary="收回访问令牌",
    tags=["auth"],
    responses={"204": {"description": "已收回"}},
)
@login_required
def revoke_token(token_id):
    _refuse_token_actors(allow_self=token_id)
    db = get_session()
    row = db.get(ApiToken, token_id)
    if row is None or row.user_id != current_actor.id:
        raise not_found()
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.add(row)
        record_audit(
            db,
            "core.token_revoked",
            actor=current_actor.username,
            target=f"token:{row.id}",
            org_path=current_actor.org_path,
            ip=request.remote_addr or "",
        )
        db.commit()
    return "", 204


def _refuse_token_actors(allow_self=None):
    """Credentials are managed from a signed-in browser: a token (perhaps limited to a few
    permissions) must not mint a broader one. A token may revoke itself."""
    if current_actor.token_id and current_actor.token_id != allow_self:
        raise ApiError(403, "访问令牌不能用于管理令牌，请登录后在“访问令牌”页面操作。")


def _checked_scopes(scopes):
    catalogue = state_of().catalogue
    for index, scope in enumerate(scopes):
        if scope != "*" and scope not in catalogue:
            raise ApiError(422, f"未知的权限：{scope}", pointer=f"/scopes/{index}")
    return ["*"] if "*" in scopes else sorted(set(scopes))


def _own_user(db):
    return db.get(User, current_actor.id, execution_options={"gridwork_unscoped": "the actor's own account"})


def token_json(row):
    return {
        "id": row.id,
        "name": row.name,
        "scopes": row.scopes,
        "created_at": isoformat(row.created_at),
        "last_used_at": isoformat(row.last_used_at),
        "revoked_at": isoformat(row.revoked_at),
    }
