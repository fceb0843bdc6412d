"""Usage, ratings and the slimming list as JSON under ``/api/v1/modules`` (in the OpenAPI
document). Areas and ratings outside the caller's scope answer 404."""

from core.api import api_blueprint, api_route, json_body, not_found
from core.auth.actor import current_actor
from core.db import get_session
from core.permissions.access import can, login_required, require, scope_for
from core.timeutil import isoformat
from core.tree.scope import scoped
from core.usage import ratings
from core.usage.areas import READ, chosen_area, chosen_period
from core.usage.listing import modules_in_use, slimming_list
from core.usage.models import Rating
from core.usage.ratings_view import rated_module, rating_in_reach
from core.usage.snapshots import snapshots_of
from core.usage.weights import MANAGE, save_settings

bp = api_blueprint("core_usage_api", __name__, "/modules")
TAGS = ["modules"]
AREA_QUERY = {
    "type": "object",
    "properties": {
        "org_path": {"type": "string", "maxLength": 300, "description": "县或街道（默认：管理范围内最高一级）"},
        "start": {"type": "string", "format": "date", "description": "开始日期（默认：上一季度）"},
        "end": {"type": "string", "format": "date", "description": "结束日期（含）"},
    },
}
NEW_RATING = {
    "type": "object",
    "additionalProperties": False,
    "required": ["stars"],
    "properties": {
        "stars": {"type": "integer", "minimum": 1, "maximum": 5},
        "comment": {"type": "string", "maxLength": 500},
    },
}
PROBLEM = {
    "type": "object",
    "additionalProperties": False,
    "required": ["text"],
    "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 500}},
}
REPLY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["text"],
    "properties": {"text": {"type": "string", "maxLength": 500}, "resolve": {"type": "boolean"}},
}
SETTINGS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["org_path"],
    "properties": {
        "org_path": {"type": "string", "maxLength": 300},
        "weights": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0, "maximum": 10}},
        "reply_days": {"type": "integer", "minimum": 1, "maximum": 10},
        "resolve_days": {"type": "integer", "minimum": 1, "maximum": 60},
    },
}
CREATED = {"201": {"description": "已保存"}}


@api_route(bp, "/usage", summary="各功能模块的使用情况（操作次数、使用人数、在用社区）", tags=TAGS, query=AREA_QUERY)
@require(READ)
def usage():
    db = get_session()
    area, _areas = chosen_area(db)
    period = chosen_period()
    modules, _facts = modules_in_use(db, area.path, period)
    return {
        "org_path": area.path,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "modules": [
            {
                "plugin": m.plugin, "title": m.title, "actions": m.actions, "users": m.users,
                "used_nodes": m.used_nodes, "enabled_nodes": m.enabled_nodes,
                "actions_per_user_week": round(m.intensity, 2), "previous_actions": m.previous_actions,
            }
            for m in modules
        ],
    }  # fmt: skip


@api_route(bp, "/slimming", summary="系统瘦身清单（得分、TIME 象限、建议与理由）", tags=TAGS, query=AREA_QUERY)
@require(READ)
def slimming():
    db = get_session()
    area, _areas = chosen_area(db)
    return {"org_path": area.path, **slimming_list(db, area.path, chosen_period())}


@api_route(bp, "/slimming/snapshots", summary="往季瘦身清单快照", tags=TAGS, query=AREA_QUERY)
@require(READ)
def snapshots():
    db = get_session()
    area, _areas = chosen_area(db)
    return {
        "org_path": area.path,
        "items": [
            {"start": s.period_start.isoformat(), "end": s.period_end.isoformat(), "modules": s.rows}
            for s in snapshots_of(db, area.path)
        ],
    }


@api_route(bp, "/ratings", summary="管理范围内对功能模块的评价与“不好用”反馈", tags=TAGS, query=AREA_QUERY)
@require(READ)
def list_ratings():
    db = get_session()
    rows = db.exec(
        scoped(Rating.__table__.select(), scope_for(current_actor, READ), Rating.org_path)
        .order_by(Rating.created_at.desc())
        .limit(200)
    ).all()
    return {"items": [_rating_json(row) for row in rows]}


@api_route(
    bp,
    "/<plugin>/ratings",
    methods=["POST"],
    summary="给功能模块打分（每月一次，以最后一次为准）",
    tags=TAGS,
    body=NEW_RATING,
    responses=CREATED,
)
@login_required
def rate(plugin):
    db = get_session()
    plugin, node = rated_module(plugin)
    data = json_body(NEW_RATING)
    rating = ratings.rate(db, current_actor, plugin, node, data["stars"], data.get("comment", ""))
    db.commit()
    return {"item": _rating_json(rating)}, 201


@api_route(
    bp,
    "/<plugin>/problems",
    methods=["POST"],
    summary="反馈“这个功能不好用”",
    tags=TAGS,
    body=PROBLEM,
    responses=CREATED,
)
@login_required
def problem(plugin):
    db = get_session()
    plugin, node = rated_module(plugin)
    data = json_body(PROBLEM)
    report = ratings.report_problem(db, current_actor, plugin, node, data["text"])
    db.commit()
    return {"item": _rating_json(report)}, 201


@api_route(
    bp, "/ratings/<int:rating_id>/reply", methods=["POST"], summary="回复（并可办结）一条差评", tags=TAGS, body=REPLY
)
@require(ratings.REPLY)
def reply(rating_id):
    db = get_session()
    rating = rating_in_reach(db, rating_id)  # 404 out of reach, before the body is read
    if not can(current_actor, ratings.REPLY, rating.org_path):
        raise not_found()
    data = json_body(REPLY)
    ratings.reply(db, current_actor, rating, data["text"], resolve=bool(data.get("resolve")))
    db.commit()
    return {"item": _rating_json(rating)}


@api_route(
    bp, "/ratings/<int:rating_id>/second", methods=["POST"], summary="追评（回复后一次）", tags=TAGS, body=NEW_RATING
)
@login_required
def second(rating_id):
    db = get_session()
    rating = rating_in_reach(db, rating_id)
    data = json_body(NEW_RATING)
    ratings.add_second_rating(db, current_actor, rating, data["stars"], data.get("comment", ""))
    db.commit()
    return {"item": _rating_json(rating)}


@api_route(bp, "/settings", methods=["PUT"], summary="本县瘦身清单的权重与好差评办理时限", tags=TAGS, body=SETTINGS)
@require(MANAGE)
def settings():
    data = json_body(SETTINGS)
    db = get_session()
    area, _areas = chosen_area(db, data["org_path"])
    if area.depth != 0 or not can(current_actor, MANAGE, area.path):
        raise not_found()  # only a county's admins set its weights
    values = {f"weight_{name}": value for name, value in data.get("weights", {}).items()}
    values.update({key: data[key] for key in ("reply_days", "resolve_days") if key in data})
    saved = save_settings(db, area.path, values)
    db.commit()
    return {
        "org_path": area.path,
        "weights": saved.weights,
        "reply_days": saved.reply_days,
        "resolve_days": saved.resolve_days,
    }


def _rating_json(rating):
    return {
        "id": rating.id, "kind": rating.kind, "plugin": rating.plugin, "org_path": rating.org_path,
        "month": rating.month, "stars": rating.stars, "comment": rating.comment,
        "created_at": isoformat(rating.created_at), "followup": rating.followup or None, "reply": rating.reply,
        "reply_due": isoformat(rating.reply_due) if rating.reply_due else None,
        "resolve_due": isoformat(rating.resolve_due) if rating.resolve_due else None,
        "second_stars": rating.second_stars, "second_comment": rating.second_comment,
    }  # fmt: skip
