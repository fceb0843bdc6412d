"""Trends (统计): weekly pass rates, the worst points, open and overdue rectifications and
the items failing most — counted in SQL inside the reader's data scope, on the
``week_start`` column each inspection carries (no date functions, the same on both
databases, served by the ``(org_path, week_start)`` index)."""

from datetime import timedelta

from sqlalchemy import Integer, cast, func
from sqlmodel import select

from core.public import scope_of_model, today, utcnow
from plugins.waste_sorting.models import CollectionPoint, Inspection, InspectionItem, Rectification

LEVELS = {"community": 3, "grid": 4}


def weeks_back(weeks):
    this_monday = today() - timedelta(days=today().weekday())
    return [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def weekly_pass_rates(db, scope, weeks=8, point_id=None):
    """``{week_start: (inspections, passed)}`` for the last ``weeks`` weeks."""
    first = weeks_back(weeks)[0]
    passed = func.sum(cast(Inspection.passed, Integer))
    statement = select(Inspection.week_start, func.count(), passed).where(Inspection.week_start >= first)
    if point_id:
        statement = statement.where(Inspection.point_id == point_id)
    statement = scope_of_model(statement.group_by(Inspection.week_start), scope, Inspection)
    return {week: (total, int(ok or 0)) for week, total, ok in db.exec(statement).all()}


def board(db, scope, weeks=8, level="community"):
    """``(weekly, places)``: the scope's ``{week_start: (inspections, passed)}`` and the same per
    community or grid — from ONE ``GROUP BY org_path, week_start`` over the covering index,
    folded up in Python (a year of a county is a few hundred thousand index entries)."""
    first = weeks_back(weeks)[0]
    passed = func.sum(cast(Inspection.passed, Integer))
    statement = select(Inspection.org_path, Inspection.week_start, func.count(), passed).where(
        Inspection.week_start >= first
    )
    statement = scope_of_model(statement.group_by(Inspection.org_path, Inspection.week_start), scope, Inspection)
    depth, weekly, places = LEVELS[level], {}, {}
    for path, week, total, ok in db.exec(statement).all():
        ok = int(ok or 0)
        _add(weekly, week, total, ok)
        if path.count("/") + 1 >= depth:  # a point at a community has no grid
            _add(places.setdefault("/".join(path.split("/")[:depth]), {}), week, total, ok)
    return weekly, places


def _add(figures, week, total, ok):
    seen_total, seen_ok = figures.get(week, (0, 0))
    figures[week] = (seen_total + total, seen_ok + ok)


def worst_points(db, scope, weeks=8, limit=10):
    """``[(point, inspections, passed)]``, lowest pass rate first (at least one inspection)."""
    first = weeks_back(weeks)[0]
    passed = func.sum(cast(Inspection.passed, Integer))
    statement = select(Inspection.point_id, func.count(), passed).where(Inspection.week_start >= first)
    statement = scope_of_model(statement.group_by(Inspection.point_id), scope, Inspection)
    rows = sorted(db.exec(statement).all(), key=lambda r: ((r[2] or 0) / r[1], -r[1]))[:limit]
    points = {
        p.id: p
        for p in db.exec(
            scope_of_model(
                select(CollectionPoint).where(CollectionPoint.id.in_([r[0] for r in rows])), scope, CollectionPoint
            )
        ).all()
    }
    return [(points[pid], total, int(ok or 0)) for pid, total, ok in rows if pid in points]


def failing_items(db, scope, weeks=8, limit=10):
    """``[(item title, failures)]`` most failed first."""
    first = weeks_back(weeks)[0]
    statement = (
        select(InspectionItem.title, func.count())
        .join(Inspection, Inspection.id == InspectionItem.inspection_id)
        .where(InspectionItem.passed.is_(False), Inspection.week_start >= first)
        .group_by(InspectionItem.title)
        .order_by(func.count().desc())
        .limit(limit)
    )
    return db.exec(scope_of_model(statement, scope, Inspection)).all()


def rectification_counts(db, scope):
    """``(open, overdue)``."""
    base = scope_of_model(
        select(func.count()).select_from(Rectification).where(Rectification.status == "open"), scope, Rectification
    )
    return db.exec(base).one(), db.exec(base.where(Rectification.deadline < utcnow())).one()


def open_rectifications(db, scope, limit=100):
    statement = scope_of_model(select(Rectification).where(Rectification.status == "open"), scope, Rectification)
    return db.exec(statement.order_by(Rectification.deadline).limit(limit)).all()


def closed_rectifications(db, scope, limit=20):
    statement = scope_of_model(select(Rectification).where(Rectification.status == "closed"), scope, Rectification)
    return db.exec(statement.order_by(Rectification.closed_at.desc()).limit(limit)).all()


def rate(total, ok):
    return round(100 * ok / total, 1) if total else None
