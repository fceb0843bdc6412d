"""Exports of filtered resident lists (CSV, .xlsx): one route on the API blueprint, one on
the pages blueprint (the list page's "导出" form), both answering the file itself.

Thin: read the query string, check who may have what, let ``exporting.services`` build the
file and audit it, commit, answer. Full ID numbers and phones need ``unmasked=1`` AND
READ_SENSITIVE; without it the request is refused (403, audited) rather than quietly
answered masked, so nobody believes they hold a full list when they do not.
"""

from flask import g, request

from core.public import (
    CSV_TYPE,
    XLSX_TYPE,
    ApiError,
    api_route,
    current_actor,
    file_response,
    get_session,
    require,
    scope_for,
    today,
)
from plugins.resident_info.exporting import services as exports
from plugins.resident_info.permissions import EXPORT, PLUGIN, READ_SENSITIVE
from plugins.resident_info.register import queries
from plugins.resident_info.web import names
from plugins.resident_info.web.api import FILTER_PROPERTIES
from plugins.resident_info.web.current import current_access

FILE_RESPONSES = {
    "200": {
        "description": "居民名单文件（CSV 为带 BOM 的 UTF-8）；身份证号和电话默认脱敏",
        "content": {
            CSV_TYPE: {"schema": {"type": "string"}},
            XLSX_TYPE: {"schema": {"type": "string", "contentMediaType": XLSX_TYPE}},
        },
    },
    "403": {"description": "unmasked=1 而没有“查看完整身份证号和电话”权限"},
    "422": {"description": "筛选条件不正确，或超过单次导出上限（请缩小筛选范围）"},
}
SUMMARY = (
    "导出居民名单（CSV 或 Excel）：查询参数与居民列表相同，另有 format=csv|xlsx；unmasked=1 导出完整身份证号和电话"
    f"（只接受 POST；需要 {READ_SENSITIVE}，仅限其范围内的居民，记入审计）；单次最多 {exports.MAX_ROWS} 人"
)
NOT_FILTERS = ("format", "unmasked", "limit", "offset", "page")
EXPORT_QUERY = {
    "type": "object",
    "properties": {
        **FILTER_PROPERTIES,
        "format": {"enum": list(exports.FORMATS), "description": "文件格式（默认 csv）"},
        "unmasked": {
            "enum": ["1", "true"],
            "description": f"导出完整身份证号和电话（只接受 POST；需要 {READ_SENSITIVE}）",
        },
    },
}


@require(EXPORT)
def export_residents():
    return _export()


@require(EXPORT)
def export_page():
    """The same file for the list page's "导出" form (refusals as pages, not JSON)."""
    return _export()


def export_choices_context():
    """What the list page offers under "导出" (asked only when the template calls it)."""

    def export_choices():
        return {
            "export": bool(scope_for(current_actor, EXPORT)),
            "unmasked": bool(scope_for(current_actor, READ_SENSITIVE)),
        }

    return {"export_choices": export_choices}


def _export():
    asked = request.values  # the query string, and the form of a POST
    fmt = (asked.get("format") or "csv").strip()
    if fmt not in exports.FORMATS:
        raise ApiError(422, "format 只能是 csv 或 xlsx。", pointer="/format")
    unmasked = asked.get("unmasked") in ("1", "true")
    access = current_access()
    if unmasked and not access.sensitive:
        g.denied_permission = READ_SENSITIVE  # the 403's audit entry names what was missing
        raise ApiError(403, "导出完整身份证号和电话需要“查看完整身份证号和电话”权限；不勾选此项可导出脱敏名单。")
    if unmasked and request.method != "POST":
        # A GET can be set off by a link on another site (the session cookie goes along with a
        # top-level navigation): it would file an audited full export in this user's name.
        raise ApiError(
            405, "导出完整身份证号和电话须用 POST 提交（页面上的导出按钮），链接不能触发。", headers={"Allow": "POST"}
        )
    db = get_session()
    wanted = {key: value for key, value in asked.items() if key not in NOT_FILTERS}
    filters = queries.filter_from_args(names.args_with_node(db, access.read, wanted))
    exported = exports.export_residents(
        db, access, filters, fmt=fmt, unmasked=unmasked, within=scope_for(current_actor, EXPORT)
    )
    db.commit()
    return _download(exported)


def _download(exported):
    day = today().isoformat()
    return file_response(
        exported.content,
        exported.extension,
        f"居民名单-{day}",
        f"residents-{day}",
        headers={"X-Export-Rows": str(exported.rows), "X-Export-Unmasked-Rows": str(exported.unmasked_rows)},
    )


def add_routes(pages, api):
    """This module's routes, on the blueprints ``web.blueprints()`` builds."""
    api_route(
        api,
        "/residents/export",
        methods=["GET", "POST"],
        summary=SUMMARY,
        tags=[PLUGIN],
        responses=FILE_RESPONSES,
        query=EXPORT_QUERY,
    )(export_residents)
    pages.add_url_rule("/export", view_func=export_page, methods=["GET", "POST"])
    pages.context_processor(export_choices_context)
