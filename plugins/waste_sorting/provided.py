"""What waste_sorting offers the rest of Gridwork: ``waste_sorting.award_points`` so other
modules (volunteering, visits) award household points through the same ledger, rules and
daily cap; and the usage figures for the slimming list."""

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from core.public import ApiError, get_session, scope_for, scope_of_model, utcnow
from plugins.waste_sorting.ledger import services as ledger
from plugins.waste_sorting.models import CollectionPoint, Inspection
from plugins.waste_sorting.permissions import AWARD


def award_points(household, action, points, actor, reason="", session=None):
    """``waste_sorting.award_points``: ``points`` to ``household`` (``{"id", "org_path",
    "surname", "house"}`` as ``resident_info.households_in`` answers) for ``action``
    (``"<plugin>.<action>"``), within the community's daily cap. The caller commits.

    :returns: ``{"seq", "points"}`` — the ledger entry and the points actually given.
    :raises ApiError: 404 outside the actor's AWARD scope, 422 when the cap is reached.
    """
    db = session or get_session()
    if not scope_for(actor, AWARD).covers(household["org_path"]):
        raise ApiError(404, "该户不存在或不在您的管辖范围内。")
    entry = ledger.award(db, household, action, actor, points=int(points), reason=reason)
    return {"seq": entry.seq, "points": entry.points}


def usage_figures(db, scope):
    points = scope_of_model(select(func.count()).select_from(CollectionPoint), scope, CollectionPoint)
    recent = scope_of_model(
        select(func.count()).select_from(Inspection).where(Inspection.inspected_at >= utcnow() - timedelta(days=30)),
        scope,
        Inspection,
    )
    return {"points": db.exec(points).one(), "inspections_last_30_days": db.exec(recent).one()}
