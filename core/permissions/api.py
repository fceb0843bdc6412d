"""Role packages and grants over JSON: ``/api/v1/role-packages``, ``/api/v1/grants``, ``/api/v1/permissions``."""

import re

from flask import request

from core.api import ApiError, api_blueprint, api_route, json_body
from core.auth.actor import current_actor
from core.db import get_session
from core.permissions import grants as grant_rules
from core.permissions import service
from core.permissions.access import require
from core.permissions.ids import PACKAGE_NAME_PATTERN
from core.tree.paths import is_valid_path

bp = api_blueprint("core_permissions_api", __name__)

_COUNT = re.compile(r"[0-9]{1,9}")  # ASCII digits only: str.isdigit() also takes "１" and "²"
MAX_PAGE = 500


@api_route(bp, "/permissions", summary="权限目录（平台与各功能模块声明的全部权限）", tags=["permissions"])
@require("core.package_read")
def list_permissions():
    items = [
        {"name": p.name, "owner": p.owner, "title_zh": p.title_zh, "title_en": p.title_en}
        for p in service.catalogue().all()
    ]
    return {"items": items, "total": len(items)}


@api_route(bp, "/role-packages", summary="角色包列表（含权限与可见范围内的授权数）", tags=["permissions"])
@require("core.package_read")
def list_packages():
    items = service.list_packages(get_session(), current_actor)
    return {"items": items, "total": len(items)}


@api_route(bp, "/role-packages/<name>", summary="查看角色包", tags=["permissions"])
@require("core.package_read")
def get_package(name):
    return service.get_package(get_session(), current_actor, name)


@api_route(
    bp,
    "/role-packages",
    methods=["POST"],
    summary="新建角色包（需在根节点持有编辑角色包权限）",
    body=service.NEW_PACKAGE,
    tags=["permissions"],
    responses={"201": {"description": "已新建"}},
)
@require("core.package_write")
def create_package():
    data = json_body(service.NEW_PACKAGE)
    return _committed(lambda db: service.create_package(db, current_actor, data, _ip())), 201


@api_route(
    bp,
    "/role-packages/<name>",
    methods=["PUT"],
    summary="修改角色包（标题、说明与全部权限）",
    body=service.PACKAGE_UPDATE,
    tags=["permissions"],
)
@require("core.package_write")
def update_package(name):
    data = json_body(service.PACKAGE_UPDATE)
    return _committed(lambda db: service.update_package(db, current_actor, name, data, _ip()))


@api_route(
    bp,
    "/role-packages/<name>",
    methods=["DELETE"],
    summary="删除角色包（内置或仍有授权的不能删除）",
    tags=["permissions"],
    responses={"204": {"description": "已删除"}},
)
@require("core.package_write")
def delete_package(name):
    _committed(lambda db: service.delete_package(db, current_actor, name, _ip()))
    return "", 204


GRANTS_QUERY = {
    "type": "object",
    "properties": {
        "user_id": {"type": "integer", "minimum": 1, "description": "只列这个账号的授权"},
        "package": {"type": "string", "maxLength": 64, "description": "角色包标识"},
        "org_path": {"type": "string", "maxLength": 300, "description": "只列这个组织子树内的授权"},
        "limit": {"type": "integer", "minimum": 0, "description": "每页条数"},
        "offset": {"type": "integer", "minimum": 0, "description": "跳过的条数"},
    },
}


@api_route(
    bp,
    "/grants",
    summary="授权列表（数据范围内；可按账号、角色包、组织子树筛选）",
    tags=["permissions"],
    query=GRANTS_QUERY,
)
@require("core.grant_read")
def list_grants():
    limit = _count_arg("limit", 100)
    if not 1 <= limit <= MAX_PAGE:
        raise ApiError(422, f"查询参数 limit 必须在 1 到 {MAX_PAGE} 之间。", pointer="/limit")
    items, total = grant_rules.list_grants(
        get_session(),
        current_actor,
        user_id=_count_arg("user_id", None),
        package=_package_arg(),
        org_path=_path_arg(),
        limit=limit,
        offset=_count_arg("offset", 0),
    )
    return {"items": items, "total": total, "limit": limit}


@api_route(bp, "/grants/<int:grant_id>", summary="查看一条授权", tags=["permissions"])
@require("core.grant_read")
def get_grant(grant_id):
    return grant_rules.get_grant(get_session(), current_actor, grant_id)


@api_route(
    bp,
    "/grants",
    methods=["POST"],
    summary="授予角色包（只能授予自己在该节点持有的全部权限）",
    body=service.NEW_GRANT,
    tags=["permissions"],
    responses={"201": {"description": "已授予"}, "200": {"description": "该授权已存在，原样返回"}},
)
@require("core.grant_write")
def create_grant():
    data = json_body(service.NEW_GRANT)
    grant, created = _committed(lambda db: grant_rules.create_grant(db, current_actor, data, _ip()))
    return grant, 201 if created else 200


@api_route(
    bp,
    "/grants/<int:grant_id>",
    methods=["DELETE"],
    summary="收回授权（立即生效）",
    tags=["permissions"],
    responses={"204": {"description": "已收回"}},
)
@require("core.grant_write")
def revoke_grant(grant_id):
    _committed(lambda db: grant_rules.revoke_grant(db, current_actor, grant_id, _ip()))
    return "", 204


def _committed(change):
    """Run a service change and commit it; a refusal reaches the shared handler, which
    rolls back and audits it."""
    db = get_session()
    with service.refusals_named():
        result = change(db)
    db.commit()
    return result


def _ip():
    return request.remote_addr or ""


def _count_arg(name, default):
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not _COUNT.fullmatch(raw):
        raise ApiError(422, f"查询参数 {name} 必须是非负整数。", pointer=f"/{name}")
    return int(raw)


def _package_arg():
    name = request.args.get("package", "")
    if name and not PACKAGE_NAME_PATTERN.fullmatch(name):
        raise ApiError(422, "查询参数 package 不是有效的角色包标识。", pointer="/package")
    return name or None


def _path_arg():
    path = request.args.get("org_path", "")
    if path and not (is_valid_path(path) and "\n" not in path):
        raise ApiError(422, "查询参数 org_path 不是有效的组织路径。", pointer="/org_path")
    return path or None
