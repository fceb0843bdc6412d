"""JSON: a worker's or a node's due list, and the group form's live preview count."""

from flask import request

from core.public import (
    ApiError,
    api_route,
    current_actor,
    get_session,
    isoformat,
    json_body,
    require,
    scope_for,
)
from plugins.special_visits.groups import services as groups
from plugins.special_visits.permissions import GROUP_MANAGE, PLUGIN, ROSTER_READ
from plugins.special_visits.roster.due import VIEWS, due_list

LIST_QUERY = {
    "type": "object",
    "properties": {
        "view": {"enum": list(VIEWS), "description": "due 本周待走访（含预警走访）· overdue 已逾期 · all 全部"},
        "mine": {"enum": ["0", "1"], "description": "1：只列我负责的"},
        "limit": {"type": "integer", "minimum": 1, "maximum": 200, "description": "每页条数"},
    },
}
PREVIEW = {
    "type": "object",
    "required": ["org_path"],
    "additionalProperties": False,
    "properties": {
        "org_path": {"type": "string", "maxLength": 300, "title": "适用范围"},
        "tags_all": {"type": "array", "maxItems": 20, "items": {"type": "string", "minLength": 1, "maxLength": 50}},
        "tags_any": {"type": "array", "maxItems": 20, "items": {"type": "string", "minLength": 1, "maxLength": 50}},
        "min_age": {"type": "integer", "minimum": 0, "maximum": 150, "title": "最小年龄"},
        "max_age": {"type": "integer", "minimum": 0, "maximum": 150, "title": "最大年龄"},
    },
}


def _limit():
    try:
        return max(1, min(200, int(request.args.get("limit", 50))))
    except ValueError:
        raise ApiError(422, "每页条数应为 1–200 的整数。", pointer="/limit") from None


@require(ROSTER_READ)
def list_entries():
    view = request.args.get("view", "due")
    if view not in VIEWS:
        raise ApiError(422, "显示方式不正确（due、overdue 或 all）。", pointer="/view")
    mine = request.args.get("mine") == "1"
    rows, total = due_list(
        get_session(),
        scope_for(current_actor, ROSTER_READ),
        assigned_to=current_actor.username if mine else None,
        view=view,
        limit=_limit(),
    )
    return {"items": [_entry_json(entry, group) for entry, group in rows], "total": total}


def _entry_json(entry, group_name):
    alert = entry.alert_id is not None and entry.alert_visited_at is None
    return {
        "id": entry.id,
        "resident_id": entry.resident_id,
        "name": entry.resident_name,
        "group": group_name,
        "org_path": entry.org_path,
        "due_date": entry.due_date.isoformat(),
        "assigned_to": entry.assigned_to,
        "alert": {"name": entry.alert_name, "due_at": isoformat(entry.alert_due_at)} if alert else None,
        "escalated": entry.escalated_at is not None,
    }


@require(GROUP_MANAGE)
def preview():
    data = json_body(PREVIEW)
    scope = scope_for(current_actor, GROUP_MANAGE)
    if not scope.covers(data["org_path"]):
        raise ApiError(422, "适用范围：请选择您管理的县或街道。", pointer="/org_path")
    rule = groups.rule_of(data)
    return {"count": groups.preview_count(get_session(), rule, data["org_path"], current_actor)}


def add_routes(pages, api):
    api_route(api, "/entries", summary="走访名单（预警走访在前，按应走访日期）", tags=[PLUGIN], query=LIST_QUERY)(
        list_entries
    )
    api_route(
        api, "/groups/preview", methods=["POST"], summary="按条件预览符合的居民人数", body=PREVIEW, tags=[PLUGIN]
    )(preview)
