"""Scenario blocks (功能块): the inspection entry for chosen points, open rectifications,
a community's points wall and the pass-rate chart. Settings are untrusted until the
scenario builder checks them: read them with defaults and bounds."""

from flask import render_template

from core.public import current_actor, display_names, get_session, scope_for, utcnow
from plugins.waste_sorting.ledger.wall import wall
from plugins.waste_sorting.permissions import INSPECT, PLUGIN, READ
from plugins.waste_sorting.points.services import list_points
from plugins.waste_sorting.trends import queries
from plugins.waste_sorting.web.trends import trend_chart


def _actor(context):
    """The viewer the workbench renders the block for (the signed-in actor by default)."""
    return context.get("actor") or current_actor


def _number(settings, name, default, low, high):
    value = settings.get(name, default)
    return min(max(value, low), high) if isinstance(value, int) else default


def render_inspection_form(settings, context):
    ids = [i for i in settings.get("point_ids") or [] if isinstance(i, int)][:50] or None
    points = list_points(get_session(), scope_for(_actor(context), INSPECT), ids=ids, under=context.get("org_path"))
    return render_template(f"{PLUGIN}/block_inspect.html", points=points)


def render_open_rectifications(settings, context):
    db, scope = get_session(), scope_for(_actor(context), READ)
    rows = queries.open_rectifications(db, scope, limit=_number(settings, "limit", 10, 1, 50))
    points = {p.id: p for p in list_points(db, scope, status=None, ids=[r.point_id for r in rows])}
    return render_template(
        f"{PLUGIN}/block_rectifications.html",
        rows=rows,
        points=points,
        now=utcnow(),
        names=display_names(db, [r.assigned_to for r in rows if r.assigned_to]),
    )


def render_points_wall(settings, context):
    db, scope = get_session(), scope_for(_actor(context), READ)
    community = "/".join((context.get("org_path") or _actor(context).org_path).split("/")[:3])
    rows = wall(db, scope, community, limit=_number(settings, "limit", 20, 1, 100)) if scope.covers(community) else []
    return render_template(f"{PLUGIN}/block_wall.html", rows=rows)


def render_trend_chart(settings, context):
    chart = trend_chart(get_session(), scope_for(_actor(context), READ), _number(settings, "weeks", 8, 2, 52))
    return render_template(f"{PLUGIN}/block_trend.html", chart=chart)
