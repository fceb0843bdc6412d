"""Alerts (预警发布): /alerts for county and street admins, ``/api/v1/alerts`` for clients.
Reading the alerts in force is for everyone signed in (the workbench shows them); issuing
and lifting needs ``core.alert_issue`` over the area."""

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.alerts import service
from core.alerts.describe import describe_alerts
from core.alerts.models import KINDS
from core.api import api_route, json_body, not_found
from core.api.errors import ServiceError
from core.auth.actor import current_actor
from core.db import get_session
from core.orgs.picker import node_choices
from core.orgs.service import org_nodes_in, place_names
from core.permissions.access import login_required, policy_engine, require, scope_for
from core.timeutil import clock
from core.users.service import display_names

bp = Blueprint("core_alerts", __name__)
ISSUE = service.ISSUE
AREA_KINDS = ("county", "street", "community")
NEW_ALERT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "org_path", "message"],
    "properties": {
        "kind": {"type": "string", "enum": list(KINDS), "x-message": "请选择预警类型。"},
        "org_path": {"type": "string", "maxLength": 300},
        "message": {"type": "string", "maxLength": 2000},
        "starts_at": {"type": "string", "format": "date-time", "x-message": "开始时间须是带时区的时间。"},
        "ends_at": {"type": "string", "format": "date-time", "x-message": "截止时间须是带时区的时间。"},
    },
}


@bp.route("/alerts")
@require(ISSUE)
def index():
    return _page(get_session())


@bp.route("/alerts", methods=["POST"])
@require(ISSUE)
def issue():
    db = get_session()
    form = request.form
    try:
        alert = service.issue_alert(
            db,
            current_actor,
            scope_for(current_actor, ISSUE),
            kind=form.get("kind", ""),
            org_path=form.get("org_path", ""),
            message=form.get("message", ""),
            starts_at=_local_input(form.get("starts_at"), "/starts_at"),
            ends_at=_local_input(form.get("ends_at"), "/ends_at"),
        )
    except ServiceError as error:
        db.rollback()
        return _page(db, form=form, error=error), error.status
    db.commit()
    flash(_("已发布%(kind)s预警。", kind=KINDS[alert.kind]))
    return redirect(url_for("core_alerts.index"))


@bp.route("/alerts/<int:alert_id>/lift", methods=["POST"])
@require(ISSUE)
def lift(alert_id):
    db = get_session()
    alert = service.alert_in(db, scope_for(current_actor, ISSUE), alert_id)
    if alert is None:
        raise not_found()
    lifted = service.lift_alert(db, current_actor, alert)
    db.commit()
    flash(_("预警已解除。") if lifted else _("这条预警已经结束。"))
    return redirect(url_for("core_alerts.index"))


def _page(db, form=None, error=None):
    scope = scope_for(current_actor, ISSUE)
    current, past = service.alerts_issued_in(db, scope)
    area_paths = {node.path for node in org_nodes_in(db, scope) if node.kind in AREA_KINDS}
    areas = [choice for choice in node_choices(db, scope) if choice.path in area_paths]
    places = place_names(db, [alert.org_path for alert in current + past])
    now = clock.local()
    defaults = {"starts_at": _input_value(now), "ends_at": _input_value(now + service.DEFAULT_DURATION)}
    return render_template(
        "core/alerts/index.html",
        current=current,
        past=past,
        areas=areas,
        places=places,
        kinds=KINDS,
        form=form or defaults,
        issuers=display_names(db, {alert.issued_by for alert in current + past}),
        error=error,
    )


def _input_value(local):
    return local.strftime("%Y-%m-%dT%H:%M")


def _local_input(raw, pointer):
    """A ``datetime-local`` value, read as the deployment's local time; None when empty."""
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=clock.zone)
    except ValueError:
        raise ServiceError(422, _("时间格式不正确。"), pointer) from None


# ------------------------------------------------------------ API


@api_route(bp, "/api/v1/alerts", summary="我所在区域生效中的预警", tags=["alerts"])
@login_required
def api_in_force():
    db = get_session()
    paths = sorted({path for _package, path in policy_engine().grants_of(current_actor.id)})
    return {"items": describe_alerts(db, service.alerts_reaching(db, paths))}


@api_route(
    bp,
    "/api/v1/alerts",
    methods=["POST"],
    summary="发布预警（高温、寒潮、台风、暴雨、其他）",
    body=NEW_ALERT,
    tags=["alerts"],
    responses={"201": {"description": "已发布"}},
)
@require(ISSUE)
def api_issue():
    data = json_body(NEW_ALERT)
    db = get_session()
    alert = service.issue_alert(
        db,
        current_actor,
        scope_for(current_actor, ISSUE),
        kind=data["kind"],
        org_path=data["org_path"],
        message=data["message"],
        starts_at=_api_time(data.get("starts_at"), "/starts_at"),
        ends_at=_api_time(data.get("ends_at"), "/ends_at"),
    )
    db.commit()
    return {"item": describe_alerts(db, [alert])[0]}, 201


@api_route(bp, "/api/v1/alerts/<int:alert_id>/lift", methods=["POST"], summary="解除预警", tags=["alerts"])
@require(ISSUE)
def api_lift(alert_id):
    db = get_session()
    alert = service.alert_in(db, scope_for(current_actor, ISSUE), alert_id)
    if alert is None:
        raise not_found()
    service.lift_alert(db, current_actor, alert)
    db.commit()
    return {"item": describe_alerts(db, [alert])[0]}


def _api_time(raw, pointer):
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise ServiceError(422, _("时间须是带时区的 ISO 8601 时间，例如 2026-07-01T08:00:00+08:00。"), pointer)
    return value
