"""Collection points (投放点): listed, found and changed inside a data scope; every change
leaves a history row and an audit entry, and a closed point keeps its inspections."""

from sqlalchemy import func
from sqlmodel import select

from core.public import ApiError, clean_text, org_node_at, package_holders, record_audit, scope_of_model, utcnow
from plugins.waste_sorting.lookup import get_in_scope
from plugins.waste_sorting.models import CollectionPoint, Inspection, PointChange
from plugins.waste_sorting.permissions import PLUGIN

BIN_TYPES = {"kitchen": "厨余垃圾", "recyclable": "可回收物", "hazardous": "有害垃圾", "other": "其他垃圾"}
STATUS_TITLES = {"active": "使用中", "closed": "已停用"}
FIELDS = ("name", "org_path", "location", "latitude", "longitude", "bin_types", "schedule", "supervisor")

POINT_SCHEMA = {
    "title": "投放点",  # the form's name where usage is counted (the slimming list's suggestions)
    "type": "object",
    "required": ["name", "org_path", "bin_types"],
    "properties": {
        "name": {"type": "string", "title": "投放点名称", "minLength": 1, "maxLength": 60, "x-order": 1},
        "org_path": {"type": "string", "title": "所在社区或网格", "x-widget": "org-node", "x-order": 2},
        "location": {
            "type": "string",
            "title": "位置",
            "maxLength": 200,
            "x-order": 3,
            "x-placeholder": "如：3 栋北侧",
        },
        "bin_types": {
            "type": "array",
            "title": "桶类",
            "minItems": 1,
            "uniqueItems": True,
            "x-order": 4,
            "items": {"enum": list(BIN_TYPES)},
            "x-enum-titles": BIN_TYPES,
            "x-message": "桶类：请至少选择一种。",
        },
        "schedule": {
            "type": "string",
            "title": "开放时间",
            "maxLength": 200,
            "x-order": 5,
            "x-placeholder": "如：07:00-09:00、18:00-20:00",
        },
        "supervisor": {
            "type": "string",
            "title": "督导员",
            "maxLength": 100,
            "x-order": 6,
            "x-widget": "select",
            "x-help": "整改通知发给督导员；不指定时发给社区管理员。",
            "pattern": "^[A-Za-z0-9_.@-]*$",
            "x-message": "督导员：请从列表中选择。",
        },
        "latitude": {"type": "number", "title": "纬度（可不填）", "minimum": -90, "maximum": 90, "x-order": 7},
        "longitude": {"type": "number", "title": "经度（可不填）", "minimum": -180, "maximum": 180, "x-order": 8},
    },
}


def list_points(db, scope, *, status="active", under=None, ids=None):
    statement = scope_of_model(select(CollectionPoint), scope, CollectionPoint)
    if status:
        statement = statement.where(CollectionPoint.status == status)
    if ids is not None:
        statement = statement.where(CollectionPoint.id.in_(ids))
    points = db.exec(statement.order_by(CollectionPoint.org_path, CollectionPoint.name)).all()
    return [p for p in points if not under or p.org_path == under or p.org_path.startswith(under + "/")]


def find_point(db, scope, point_id):
    return get_in_scope(db, CollectionPoint, point_id, scope)


def points_by_recent_visit(db, scope, inspector):
    """Active points, those this inspector looked at most recently first (their round
    repeats itself), then the rest by place and name."""
    last = (
        select(Inspection.point_id, func.max(Inspection.inspected_at).label("last"))
        .where(Inspection.inspector == inspector)
        .group_by(Inspection.point_id)
    )
    last = scope_of_model(last, scope, Inspection).subquery()
    statement = scope_of_model(
        select(CollectionPoint, last.c.last).outerjoin(last, last.c.point_id == CollectionPoint.id),
        scope,
        CollectionPoint,
    ).where(CollectionPoint.status == "active")
    rows = db.exec(statement).all()
    never = [p for p, seen in rows if seen is None]
    seen = sorted(((seen, p) for p, seen in rows if seen is not None), key=lambda pair: pair[0], reverse=True)
    return [p for _at, p in seen] + sorted(never, key=lambda p: (p.org_path, p.name))


def save_point(db, data, actor, point=None):
    """Create (``point`` None) or change a point from validated form data."""
    data = {**data, "name": clean_text(data.get("name"), label="投放点名称", pointer="/name", max_length=60)}
    node = org_node_at(db, data["org_path"])
    if node is None or node.kind not in ("community", "grid"):
        raise ApiError(422, "所在社区或网格：请选择一个社区或网格。", pointer="/org_path")
    before = {field: getattr(point, field) for field in FIELDS} if point else {}
    point = point or CollectionPoint(org_path=data["org_path"], name=data["name"])
    for field in FIELDS:
        setattr(point, field, data.get(field, "" if field in ("location", "schedule", "supervisor") else None))
    point.bin_types = list(data.get("bin_types") or [])
    point.updated_at = utcnow()
    db.add(point)
    db.flush()
    changes = {
        f: {"old": before.get(f), "new": getattr(point, f)} for f in FIELDS if before.get(f) != getattr(point, f)
    }
    _history(db, point, actor, "updated" if before else "opened", changes)
    return point


def set_status(db, point, status, actor):
    if point.status == status:
        return point
    old, point.status, point.updated_at = point.status, status, utcnow()
    db.add(point)
    _history(db, point, actor, "closed" if status == "closed" else "reopened", {"status": {"old": old, "new": status}})
    return point


def history(db, point):
    statement = select(PointChange).where(PointChange.point_id == point.id).order_by(PointChange.at.desc())
    return db.exec(statement).all()


def _history(db, point, actor, action, changes):
    db.add(PointChange(point_id=point.id, actor=actor.username, action=action, changes=changes))
    record_audit(
        db,
        f"{PLUGIN}.point_saved",
        actor=actor.username,
        target=f"{PLUGIN}_point:{point.id}",
        org_path=point.org_path,
        detail={"action": action, "fields": sorted(changes)},
    )


SUPERVISOR_PACKAGES = ("grid_feedback_worker", "community_admin")


def supervisor_choices(db, scope, paths):
    """``[(username, "陈静（第1网格）")]``: grid workers and community admins granted inside
    ``scope`` at one of ``paths`` (the nodes a point may sit at) — the people who can act on a
    rectification there. ``("", "不指定")`` first."""
    seen = {}
    for path in paths:
        for package in SUPERVISOR_PACKAGES:
            for holder in package_holders(db, package, path):
                if scope.covers(holder.granted_at) and holder.username not in seen:
                    seen[holder.username] = f"{holder.display_name}（{place_short(db, holder.granted_at)}）"
    return [("", "不指定")] + sorted(seen.items(), key=lambda pair: pair[1])


def place_short(db, path):
    node = org_node_at(db, path)
    return node.name if node else ""
