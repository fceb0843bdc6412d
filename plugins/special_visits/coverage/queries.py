"""The coverage board's figures (the board *is* the report): per grid, community or street —
on-time rate, overdue count, visits by form, visits per week — counted in SQL inside the
reader's scope, the same rows the roster lists."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import case, func
from sqlmodel import select

from core.public import clock, scope_of_model, subtree_range, today
from plugins.special_visits.models import ACTIVE, RosterEntry, Visit
from plugins.special_visits.roster.overdue import local_midnight
from plugins.special_visits.visits.forms import FORMS


@dataclass
class Figures:
    entries: int = 0
    overdue: int = 0
    visits: int = 0
    on_time: int = 0
    by_form: dict = field(default_factory=lambda: dict.fromkeys(FORMS, 0))

    @property
    def on_time_rate(self):
        return round(100 * self.on_time / self.visits) if self.visits else None


def first_week_start(weeks):
    monday = today() - timedelta(days=today().weekday())
    return monday - timedelta(weeks=weeks - 1)


def _limited(statement, scope, model, under):
    statement = scope_of_model(statement, scope, model)
    return statement.where(subtree_range(model.org_path, under)) if under else statement


def board(db, scope, under="", weeks=8):
    """(total Figures, {child path: Figures}, [(week start, visits, on time)])."""
    start = first_week_start(weeks)
    children, total = defaultdict(Figures), Figures()
    depth = (under.count("/") if under else min((p.count("/") for p in scope.paths), default=0)) + 1
    entry_rows = db.exec(
        _limited(
            select(
                RosterEntry.org_path,
                func.count(),
                func.sum(case((RosterEntry.due_date < today(), 1), else_=0)),
            ).where(RosterEntry.status == ACTIVE),
            scope,
            RosterEntry,
            under,
        ).group_by(RosterEntry.org_path)
    ).all()
    for path, count, overdue in entry_rows:
        for figures in (total, children[_child(path, depth)]):
            figures.entries += count
            figures.overdue += overdue or 0
    visit_rows = db.exec(
        _limited(
            select(Visit.org_path, Visit.form, Visit.on_time, Visit.visited_at).where(
                Visit.visited_at >= local_midnight(start)
            ),
            scope,
            Visit,
            under,
        )
    ).all()
    weekly = {start + timedelta(weeks=n): [0, 0] for n in range(weeks)}
    for path, form, on_time, visited_at in visit_rows:
        for figures in (total, children[_child(path, depth)]):
            figures.visits += 1
            figures.on_time += 1 if on_time else 0
            figures.by_form[form] = figures.by_form.get(form, 0) + 1
        day = clock.local(visited_at).date()
        week = weekly.get(day - timedelta(days=day.weekday()))
        if week is not None:
            week[0] += 1
            week[1] += 1 if on_time else 0
    trend = [(week, counts[0], counts[1]) for week, counts in sorted(weekly.items())]
    return total, dict(sorted(children.items())), trend


def _child(path, depth):
    """The node ``depth`` segments deep on ``path`` (the board's next level down)."""
    return "/".join(path.split("/")[: depth + 1])
