"""Due lists: a worker's own entries or a node's, nearest first — alert visits on top (with
the alert's name), then overdue, then due this week. Only active entries: a resident who
died, moved out or left the group is on no list."""

from datetime import timedelta
from functools import lru_cache

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


# What a due list shows (web/present.entry_row, the card, the JSON): the page reads only
# these, and loading whole ORM entries cost more than the query itself (bench/visits_due_list).
LISTED = (
    RosterEntry.id,
    RosterEntry.resident_id,
    RosterEntry.resident_name,
    RosterEntry.address,
    RosterEntry.org_path,
    RosterEntry.due_date,
    RosterEntry.assigned_to,
    RosterEntry.escalated_at,
    RosterEntry.alert_id,
    RosterEntry.alert_name,
    RosterEntry.alert_due_at,
    RosterEntry.alert_visited_at,
)


def due_statement(scope, *, assigned_to=None, under="", view="due", limit=200, offset=0):
    """One statement: the listed columns, the group's name and the view's total (a window
    count, so the page needs no second query). Built once per worker, view, page and day:
    building it cost twice what SQLite takes to run it; ``today()`` is in the key because the
    view's dates are baked in."""
    return _due_statement(scope, assigned_to, under, view, today(), limit, offset)


@lru_cache(maxsize=1024)
def _due_statement(scope, assigned_to, under, view, _day, limit, offset):
    columns = (*LISTED, TargetGroup.name.label("group_name"), func.count().over().label("total"))
    statement = scope_of_model(select(*columns), scope, RosterEntry).join(
        TargetGroup, TargetGroup.id == RosterEntry.group_id
    )
    statement = _filtered(statement, assigned_to=assigned_to, under=under, view=view)
    first = case((_alert_pending(), 0), else_=1)
    return (
        statement.order_by(first, RosterEntry.alert_due_at, RosterEntry.due_date, RosterEntry.id)
        .limit(limit)
        .offset(offset)
    )


def _count(db, scope, *, assigned_to, under, view):
    counting = scope_of_model(select(func.count()).select_from(RosterEntry), scope, RosterEntry)
    return db.exec(_filtered(counting, assigned_to=assigned_to, under=under, view=view)).one()


def due_list(db, scope, *, assigned_to=None, under="", view="due", limit=200, offset=0):
    """Rows with the ``LISTED`` attributes and ``group_name``, and the total for that view.
    Plain columns, so the statement runs on the session's connection: the ORM's execution
    path (entity loading it has no entity for) cost as much as SQLite's own work
    (bench/visits_due_list.py). The statement is scoped all the same (``scope_of_model``)."""
    statement = due_statement(scope, assigned_to=assigned_to, under=under, view=view, limit=limit, offset=offset)
    rows = db.connection().execute(statement).all()
    if rows:
        return rows, rows[0].total
    # A page past the end has no row to carry the total.
    return rows, _count(db, scope, assigned_to=assigned_to, under=under, view=view) if offset else 0


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
