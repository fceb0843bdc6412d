"""Due lists: a worker's own entries or a node's, nearest first — alert visits on top (with
the alert's name), then overdue, then due this week. Only active entries: a resident who
died, moved out or left the group is on no list."""

from datetime import timedelta

from sqlalchemy import case, func
from sqlmodel import select

from core.public import scope_of_model, subtree_range, today
from plugins.special_visits.models import ACTIVE, RosterEntry, TargetGroup

VIEWS = {"due": "本周待走访", "overdue": "已逾期", "all": "全部对象"}


def week_end(day=None):
    """The last day of "this week" for a due list: the next seven days, so an entry due next
    Monday shows on a Sunday too (a calendar week would hide it until the day itself)."""
    return (day or today()) + timedelta(days=7)


def _alert_pending():
    return RosterEntry.alert_id.is_not(None) & RosterEntry.alert_visited_at.is_(None)


def _filtered(statement, *, assigned_to, under, view):
    statement = statement.where(RosterEntry.status == ACTIVE)
    if assigned_to is not None:
        statement = statement.where(RosterEntry.assigned_to == assigned_to)
    if under:
        statement = statement.where(subtree_range(RosterEntry.org_path, under))
    if view == "overdue":
        statement = statement.where(RosterEntry.due_date < today())
    elif view == "due":
        statement = statement.where((RosterEntry.due_date <= week_end()) | _alert_pending())
    return statement


def due_statement(scope, *, assigned_to=None, under="", view="due"):
    statement = scope_of_model(select(RosterEntry, TargetGroup.name), scope, RosterEntry).join(
        TargetGroup, TargetGroup.id == RosterEntry.group_id
    )
    statement = _filtered(statement, assigned_to=assigned_to, under=under, view=view)
    first = case((_alert_pending(), 0), else_=1)
    return statement.order_by(first, RosterEntry.alert_due_at, RosterEntry.due_date, RosterEntry.id)


def due_list(db, scope, *, assigned_to=None, under="", view="due", limit=200, offset=0):
    """[(entry, group name)] and the total for that view."""
    statement = due_statement(scope, assigned_to=assigned_to, under=under, view=view)
    counting = scope_of_model(select(func.count()).select_from(RosterEntry), scope, RosterEntry)
    total = db.exec(_filtered(counting, assigned_to=assigned_to, under=under, view=view)).one()
    return db.exec(statement.limit(limit).offset(offset)).all(), total


def counts(db, scope, *, assigned_to=None):
    """(due this week incl. alert visits, overdue) — the workbench line."""
    base = scope_of_model(select(func.count()).select_from(RosterEntry), scope, RosterEntry).where(
        RosterEntry.status == ACTIVE
    )
    if assigned_to is not None:
        base = base.where(RosterEntry.assigned_to == assigned_to)
    due = db.exec(base.where((RosterEntry.due_date <= week_end()) | _alert_pending())).one()
    overdue = db.exec(base.where(RosterEntry.due_date < today())).one()
    return due, overdue
