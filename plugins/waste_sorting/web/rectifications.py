"""Rectifications (整改): the open ones by deadline (overdue in red) and recently closed
ones; one rectification with the inspection that opened it, its re-checks and the way to
re-check it now."""

from flask import request
from sqlmodel import select

from core.public import current_actor, display_names, get_session, require, scope_for, scope_of_model, utcnow
from plugins.waste_sorting.inspections.services import find_inspection
from plugins.waste_sorting.lookup import get_in_scope
from plugins.waste_sorting.models import Inspection, Rectification
from plugins.waste_sorting.permissions import INSPECT, READ
from plugins.waste_sorting.points.services import find_point, list_points
from plugins.waste_sorting.trends import queries
from plugins.waste_sorting.web.common import render


@require(READ)
def rectifications():
    db, scope = get_session(), scope_for(current_actor, READ)
    shown = request.args.get("status", "open")
    rows = queries.closed_rectifications(db, scope) if shown == "closed" else queries.open_rectifications(db, scope)
    points = {p.id: p for p in list_points(db, scope, status=None, ids=[r.point_id for r in rows])}
    return render(
        "rectifications.html",
        rows=rows,
        points=points,
        shown=shown,
        now=utcnow(),
        names=display_names(db, [r.assigned_to for r in rows if r.assigned_to]),
    )


@require(READ)
def rectification_detail(rectification_id):
    db, scope = get_session(), scope_for(current_actor, READ)
    rectification = get_in_scope(db, Rectification, rectification_id, scope)
    rechecks = scope_of_model(
        select(Inspection).where(Inspection.rectification_id == rectification.id), scope, Inspection
    )
    return render(
        "rectification.html",
        r=rectification,
        point=find_point(db, scope, rectification.point_id),
        opened_by=find_inspection(db, scope, rectification.inspection_id),
        rechecks=db.exec(rechecks.order_by(Inspection.inspected_at)).all(),
        now=utcnow(),
        names=display_names(db, [rectification.assigned_to]),
        can_inspect=scope_for(current_actor, INSPECT).covers(rectification.org_path),
    )


def add_routes(pages, api):
    pages.add_url_rule("/rectifications", "rectifications", rectifications)
    pages.add_url_rule("/rectifications/<int:rectification_id>", "rectification_detail", rectification_detail)
