"""The event bus page (/events: backlog, failing deliveries, dead letters, replay) and
``GET /api/v1/events/status``. Everything is limited to events at org nodes where the
operator holds ``core.plugin_manage``; a dead letter outside that scope answers 404."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.api import ApiError, api_route, not_found
from core.auth.actor import current_actor
from core.db import get_session
from core.events import admin
from core.permissions.access import require, scope_for
from core.state import state_of

bp = Blueprint("core_events", __name__)

MANAGE = "core.plugin_manage"


@bp.route("/events")
@require(MANAGE)
def index():
    return _page()


@bp.route("/events/replay", methods=["POST"])
@require(MANAGE)
def replay():
    db = get_session()
    scope = scope_for(current_actor, MANAGE)
    everything = request.form.get("all") == "1"
    raw_id = (request.form.get("delivery_id") or "").strip()
    if not everything and not (raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 19):
        return _page(_("请选择要重放的死信。")), 422
    count = admin.replay(
        db,
        actor=current_actor.username,
        scope=scope,
        delivery_id=None if everything else int(raw_id),
        org_path=current_actor.org_path,
        ip=request.remote_addr or "",
    )
    if count == 0 and not everything:
        db.rollback()
        raise not_found(_("该死信不存在、已重放，或不在您的管理范围内。"))
    db.commit()
    flash(_("已重新排队 %(n)s 条死信。", n=count), "success")
    return redirect(url_for("core_events.index"))


@api_route(
    bp, "/api/v1/events/status", summary="事件总线状态：积压、失败重试中与死信（仅限管理范围内）", tags=["events"]
)
@require(MANAGE)
def api_status():
    db = get_session()
    scope = scope_for(current_actor, MANAGE)
    try:
        limit = _limit(request.args.get("limit"))
    except ValueError:
        raise ApiError(422, _("limit 必须是 1 到 200 之间的整数。"), pointer="/limit") from None
    return {
        **admin.status_counts(db, scope),
        "failing_deliveries": [item.as_json() for item in admin.failing_deliveries(db, scope, limit)],
        "dead_letters": [item.as_json() for item in admin.dead_letters(db, scope, limit)],
    }


def _limit(raw):
    if not raw:
        return admin.LIST_LIMIT
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 200:
        raise ValueError(raw)
    return int(raw)


def _page(error=None):
    db = get_session()
    scope = scope_for(current_actor, MANAGE)
    return render_template(
        "core/events/index.html",
        counts=admin.status_counts(db, scope),
        error=error,
        failing=admin.failing_deliveries(db, scope),
        dead=admin.dead_letters(db, scope),
        titles=state_of().host.titles(),
    )
