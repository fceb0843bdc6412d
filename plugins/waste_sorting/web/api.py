"""The JSON API, ``/api/v1/waste_sorting/…``: points, recording an inspection (with the same
client-key rule as the page), one inspection, open rectifications, a community's wall."""

from flask import url_for

from core.public import api_route, client_key_of, current_actor, get_session, isoformat, json_body, require, scope_for
from plugins.waste_sorting.inspections import services as inspections
from plugins.waste_sorting.permissions import INSPECT, PLUGIN, READ
from plugins.waste_sorting.points.services import find_point, list_points
from plugins.waste_sorting.trends.queries import open_rectifications

INSPECTION_BODY = {
    "type": "object",
    "required": ["point_id"],
    "additionalProperties": False,
    "properties": {
        "point_id": {"type": "integer", "minimum": 1, "title": "投放点"},
        "failed": {
            "type": "array",
            "title": "不合格项",
            "maxItems": 50,
            "items": {"type": "string", "minLength": 1, "maxLength": 40},
            "uniqueItems": True,
        },
        "note": {"type": "string", "title": "备注", "maxLength": 500},
        "client_key": {"type": "string", "title": "离线记录编号", "pattern": "^[A-Za-z0-9-]{8,64}$"},
    },
}


def point_json(point):
    return {
        "id": point.id,
        "name": point.name,
        "org_path": point.org_path,
        "location": point.location,
        "bin_types": point.bin_types,
        "schedule": point.schedule,
        "status": point.status,
    }


def inspection_json(inspection):
    return {
        "id": inspection.id,
        "point_id": inspection.point_id,
        "score": inspection.score,
        "passed": inspection.passed,
        "critical_failed": inspection.critical_failed,
        "inspected_at": isoformat(inspection.inspected_at),
        "rectification_id": inspection.rectification_id,
        "checklist_id": inspection.checklist_id,
        "street_checklist_id": inspection.street_checklist_id,
    }


@require(READ)
def api_points():
    points = list_points(get_session(), scope_for(current_actor, READ))
    return {"items": [point_json(p) for p in points], "total": len(points)}


@require(INSPECT)
def api_record_inspection():
    body = json_body(INSPECTION_BODY)
    db, scope = get_session(), scope_for(current_actor, INSPECT)
    point = find_point(db, scope, body["point_id"])
    key = client_key_of(body)
    inspection = inspections.stored_once(
        db,
        scope,
        key,
        lambda: inspections.record_inspection(
            db, point, body.get("failed", []), body.get("note", ""), current_actor, client_key=key
        ),
    )
    location = url_for(".api_inspection", inspection_id=inspection.id)
    return inspection_json(inspection), 201, {"Location": location}


@require(READ)
def api_inspection(inspection_id):
    db, scope = get_session(), scope_for(current_actor, READ)
    inspection = inspections.find_inspection(db, scope, inspection_id)
    items = inspections.items_of(db, inspection)
    return {
        **inspection_json(inspection),
        "items": [
            {"key": i.item_key, "title": i.title, "weight": i.weight, "critical": i.critical, "passed": i.passed}
            for i in items
        ],
    }


@require(READ)
def api_rectifications():
    rows = open_rectifications(get_session(), scope_for(current_actor, READ))
    return {
        "items": [
            {
                "id": r.id,
                "point_id": r.point_id,
                "org_path": r.org_path,
                "deadline": isoformat(r.deadline),
                "rechecks": r.rechecks,
            }
            for r in rows
        ],
        "total": len(rows),
    }


def add_routes(pages, api):
    api_route(api, "/points", summary="本组织范围内使用中的投放点", tags=[PLUGIN])(api_points)
    api_route(
        api,
        "/inspections",
        methods=["POST"],
        summary="记录一次督导检查",
        body=INSPECTION_BODY,
        tags=[PLUGIN],
        responses={"201": {"description": "已记录（同一记录标识再次提交时返回第一次的记录）"}},
    )(api_record_inspection)
    api_route(api, "/inspections/<int:inspection_id>", summary="一次督导检查及各项结果", tags=[PLUGIN])(api_inspection)
    api_route(api, "/rectifications", summary="未完成的整改", tags=[PLUGIN])(api_rectifications)
