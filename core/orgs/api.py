"""Org tree JSON API (/api/v1/orgs): read within core.org_read, change within core.org_write.

A node outside the caller's scope answers 404 for reads and writes alike. New counties
(roots) are not created here: they come from ``gridwork create-admin`` or the demo seed.
"""

from flask import Response, request

from core.api import ApiError, api_blueprint, api_route, json_body
from core.api.errors import ServiceError
from core.auth.actor import current_actor
from core.db import get_session
from core.orgs.csv_import import MAX_BYTES, ImportRefused, import_csv, template_csv
from core.orgs.restructure import merge_nodes, move_node
from core.orgs.service import MAX_PAGE, Editor, create_node, delete_node, find_node, kind_title, list_nodes, rename_node
from core.permissions.access import require, scope_for
from core.timeutil import isoformat
from core.tree.paths import KINDS, NODE_ID_PATTERN

bp = api_blueprint("core_orgs_api", __name__)

READ, WRITE = "core.org_read", "core.org_write"
TAGS = ["orgs"]
# "(?!\n)": Python's "$" (which jsonschema uses) would also accept a trailing newline.
_NODE_ID = {
    "type": "string",
    "maxLength": 32,
    "pattern": NODE_ID_PATTERN + r"(?!\n)",
    "description": f"节点编号，格式 {NODE_ID_PATTERN}",
}
MAX_OFFSET = 10**9
# No maxLength here: the service measures the name after trimming and says so in Chinese.
_NAME = {"type": "string", "description": "名称，去掉首尾空格后 1–100 个字符"}
NEW_NODE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "id": {**_NODE_ID, "description": "可选；不填则自动生成，如 m7k2q9"},
        "parent_id": {**_NODE_ID, "type": ["string", "null"], "description": "上级节点编号（必填）"},
        "kind": {"type": "string", "enum": list(KINDS), "description": "可选；由上级类型决定"},
        "name": _NAME,
    },
}
RENAME = {"type": "object", "additionalProperties": False, "required": ["name"], "properties": {"name": _NAME}}
MOVE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["parent_id"],
    "properties": {"parent_id": _NODE_ID},
}
MERGE = {"type": "object", "additionalProperties": False, "required": ["into"], "properties": {"into": _NODE_ID}}
CSV_RESPONSE = {"200": {"description": "CSV 模板（UTF-8 带 BOM）", "content": {"text/csv": {}}}}
IMPORT_RESPONSES = {
    "201": {"description": '导入成功：{"created": 条数}'},
    "422": {"description": "有错误，未导入任何数据：errors 列出 line、column、reason"},
}


def node_json(node):
    return {
        "id": node.id,
        "parent_id": node.parent_id,
        "kind": node.kind,
        "kind_title": kind_title(node.kind),
        "name": node.name,
        "path": node.path,
        "depth": node.depth,
        "created_at": isoformat(node.created_at),
    }


def _editor():
    return Editor(current_actor.username, scope_for(current_actor, WRITE), request.remote_addr or "")


def _run(change, *args, **kwargs):
    """Run a service call in the request's session: commit on success; on refusal roll back
    (the shared handler answers problem+json)."""
    db = get_session()
    try:
        result = change(db, *args, **kwargs)
    except ServiceError:
        db.rollback()
        raise
    db.commit()
    return result


LIST_QUERY = {
    "type": "object",
    "properties": {
        "kind": {"enum": list(KINDS), "description": "节点类型"},
        "parent_id": {"type": "string", "maxLength": 32, "description": "只列这个节点的直接下级"},
        "q": {"type": "string", "maxLength": 100, "description": "名称包含的文字"},
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "description": "每页条数"},
        "offset": {"type": "integer", "minimum": 0, "description": "跳过的条数"},
    },
}
IMPORT_FORM = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "组织架构 CSV（UTF-8 或 GB18030）或 .xlsx 文件"}
    },
}


@api_route(bp, "/orgs", summary="组织节点列表（按路径排序，限管理范围）", tags=TAGS, query=LIST_QUERY)
@require(READ)
def list_orgs():
    kind, parent_id, q = (request.args.get(name) or None for name in ("kind", "parent_id", "q"))
    if kind is not None and kind not in KINDS:
        raise ApiError(422, "kind 取值必须是以下之一：" + "、".join(KINDS), pointer="/kind")
    if q is not None and len(q) > 100:
        raise ApiError(422, "q 长度不能超过 100 个字符", pointer="/q")
    limit = _int_arg("limit", 100, 1, MAX_PAGE)
    offset = _int_arg("offset", 0, 0, MAX_OFFSET)
    nodes, total = list_nodes(
        get_session(), scope_for(current_actor, READ), kind=kind, parent_id=parent_id, q=q, limit=limit, offset=offset
    )
    return {"items": [node_json(node) for node in nodes], "total": total, "limit": limit, "offset": offset}


def _int_arg(name, default, minimum, maximum):
    """Always bounded: an unbounded number would reach the database and fail there (500)."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    # The length check first, so a thousand-digit string is never turned into an int.
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or not minimum <= int(raw) <= maximum:
        raise ApiError(422, f"{name} 必须是 {minimum}–{maximum} 之间的整数", pointer=f"/{name}")
    return int(raw)


@api_route(
    bp,
    "/orgs",
    methods=["POST"],
    summary="新建下级组织节点",
    body=NEW_NODE,
    tags=TAGS,
    responses={"201": {"description": "已新建"}},
)
@require(WRITE)
def create_org():
    data = json_body(NEW_NODE)
    node = _run(
        create_node,
        _editor(),
        parent_id=data.get("parent_id"),
        name=data["name"],
        kind=data.get("kind"),
        node_id=data.get("id"),
    )
    return node_json(node), 201


@api_route(bp, "/orgs/<node_id>", summary="查看组织节点", tags=TAGS)
@require(READ)
def get_org(node_id):
    return node_json(find_node(get_session(), scope_for(current_actor, READ), node_id))


@api_route(bp, "/orgs/<node_id>", methods=["PATCH"], summary="修改组织节点名称", body=RENAME, tags=TAGS)
@require(WRITE)
def rename_org(node_id):
    data = json_body(RENAME)
    return node_json(_run(rename_node, _editor(), node_id, data["name"]))


@api_route(
    bp,
    "/orgs/<node_id>",
    methods=["DELETE"],
    summary="删除组织节点（无下级、无账号、无授权时）",
    tags=TAGS,
    responses={"204": {"description": "已删除"}},
)
@require(WRITE)
def delete_org(node_id):
    _run(delete_node, _editor(), node_id)
    return "", 204


@api_route(bp, "/orgs/<node_id>/move", methods=["POST"], summary="移动组织节点到新的上级", body=MOVE, tags=TAGS)
@require(WRITE)
def move_org(node_id):
    data = json_body(MOVE)
    return node_json(_run(move_node, _editor(), node_id, data["parent_id"]))


@api_route(bp, "/orgs/<node_id>/merge", methods=["POST"], summary="把组织节点合并到同级节点", body=MERGE, tags=TAGS)
@require(WRITE)
def merge_org(node_id):
    data = json_body(MERGE)
    return node_json(_run(merge_nodes, _editor(), node_id, data["into"]))


@api_route(
    bp,
    "/orgs/import",
    methods=["POST"],
    summary="从 CSV 批量导入组织节点（全部成功或全部不导入）",
    tags=TAGS,
    responses=IMPORT_RESPONSES,
    form=IMPORT_FORM,
)
@require(WRITE)
def import_orgs():
    data = uploaded_csv()
    db = get_session()
    try:
        created = import_csv(db, _editor(), data)
    except ImportRefused as refused:
        db.rollback()
        raise ApiError(422, import_failure_message(refused.errors), errors=refused.errors)
    db.commit()
    return {"created": created}, 201


def import_failure_message(errors):
    return f"导入失败：发现 {len(errors)} 处错误，未导入任何数据。请按 errors 中的行号和列名修改后重新上传。"


def uploaded_csv():
    """The CSV bytes from a ``text/csv`` body or a multipart ``file`` field."""
    if (request.content_length or 0) > MAX_BYTES + 64 * 1024:
        raise ApiError(413, f"文件过大：一次最多上传 {MAX_BYTES // (1024 * 1024)} MB。")
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise ApiError(422, "请选择要上传的 CSV 文件（表单字段 file）。", pointer="/file")
        data = upload.read(MAX_BYTES + 1)
    elif request.mimetype in ("text/csv", "text/plain", "application/csv"):
        data = request.get_data(cache=False)
    else:
        raise ApiError(415, "请以 text/csv 请求体或 multipart/form-data 的 file 字段上传 CSV 文件。")
    if len(data) > MAX_BYTES:
        raise ApiError(413, f"文件过大：一次最多上传 {MAX_BYTES // (1024 * 1024)} MB。")
    return data


@api_route(bp, "/orgs/import/template", summary="下载组织架构导入模板（CSV）", tags=TAGS, responses=CSV_RESPONSE)
@require(WRITE)
def import_template():
    return Response(
        template_csv().encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="org-import-template.csv"'},
    )
