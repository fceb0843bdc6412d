"""The emergency trigger: on ``core.alert_issued`` the residents of the groups that react to
that kind of alert, inside its area, get a visit due before the alert's deadline — at the
top of each worker's list with the alert's name; ``core.alert_lifted`` ends it, keeping the
final figures for the coverage board."""

from collections import Counter
from datetime import datetime

from sqlalchemy import func
from sqlmodel import select

from core.public import DataScope, actor_named, notify, scope_of_model, system_query, utcnow
from plugins.special_visits.groups.defaults import ALERT_KINDS
from plugins.special_visits.groups.services import groups_applying_at
from plugins.special_visits.models import ACTIVE, AlertRun, RosterEntry, TargetGroup
from plugins.special_visits.permissions import PLUGIN


def on_alert_issued(event, session):
    payload = event.payload
    area, kind = payload["area"], payload["kind"]
    name = f"{ALERT_KINDS.get(kind, '')}预警：{payload['message']}"[:120]
    ends_at = datetime.fromisoformat(payload["ends_at"])
    session.add(AlertRun(alert_id=payload["alert_id"], org_path=area, kind=kind, name=name, ends_at=ends_at))
    groups = _reacting_groups(session, area, kind)
    if not groups:
        return
    entries = session.exec(
        scope_of_model(select(RosterEntry), DataScope((area,)), RosterEntry).where(
            RosterEntry.status == ACTIVE, RosterEntry.group_id.in_(groups)
        )
    ).all()
    for entry in entries:
        entry.alert_id, entry.alert_name, entry.alert_due_at, entry.alert_visited_at = (
            payload["alert_id"],
            name,
            ends_at,
            None,
        )
    _tell_workers(session, entries, name, ends_at, area)


def _reacting_groups(session, area, kind):
    """Groups applying in the area (defined above it or inside it) that react to ``kind``."""
    groups = {group.id: group for group in groups_applying_at(session, area)}
    inside = scope_of_model(select(TargetGroup), DataScope((area,)), TargetGroup).where(TargetGroup.active.is_(True))
    groups.update({group.id: group for group in session.exec(inside).all()})
    return [group.id for group in groups.values() if kind in (group.alert_kinds or [])]


def _tell_workers(session, entries, name, ends_at, area):
    per_worker = Counter(entry.assigned_to for entry in entries if entry.assigned_to)
    for username, count in sorted(per_worker.items()):
        worker = actor_named(session, username)
        if worker is not None:
            notify(
                session,
                plugin=PLUGIN,
                title=f"{name}：{count} 位走访对象需在截止前走访",
                org_path=area,
                to_user=worker.id,
                link=f"/{PLUGIN}/",
                severity="urgent",
                due_at=ends_at,
            )


def on_alert_lifted(event, session):
    alert_id = event.payload["alert_id"]
    run = session.exec(
        scope_of_model(select(AlertRun), DataScope((event.payload["area"],)), AlertRun).where(
            AlertRun.alert_id == alert_id
        )
    ).first()
    if run is None or run.lifted_at is not None:
        return
    run.due_count, run.visited_count = progress(session, DataScope((run.org_path,)), alert_id)
    run.lifted_at = utcnow()
    entries = session.exec(
        scope_of_model(select(RosterEntry), DataScope((run.org_path,)), RosterEntry).where(
            RosterEntry.alert_id == alert_id
        )
    ).all()
    for entry in entries:
        entry.alert_id, entry.alert_name, entry.alert_due_at, entry.alert_visited_at = None, "", None, None


def progress(session, scope, alert_id):
    """(due, visited) of an alert's visits inside ``scope``."""
    base = scope_of_model(select(func.count()).select_from(RosterEntry), scope, RosterEntry).where(
        RosterEntry.alert_id == alert_id
    )
    due = session.exec(base).one()
    visited = session.exec(base.where(RosterEntry.alert_visited_at.is_not(None))).one()
    return due, visited


def alerts_in_force(session, scope):
    """Alerts not yet lifted over any part of ``scope`` (issued inside it, or for an area
    above it, as a street's alert reaches its grids), with their live progress inside it."""
    above = {ancestor for path in scope.paths for ancestor in _ancestors(path)}
    over = select(AlertRun).where(AlertRun.lifted_at.is_(None), AlertRun.org_path.in_(above))
    runs = {run.id: run for run in session.exec(system_query(over, "alerts over an area above the reader reach them"))}
    inside = scope_of_model(select(AlertRun), scope, AlertRun).where(AlertRun.lifted_at.is_(None))
    runs.update({run.id: run for run in session.exec(inside).all()})
    return [(run, *progress(session, scope, run.alert_id)) for _, run in sorted(runs.items(), reverse=True)]


def _ancestors(path):
    parts = path.split("/")
    return ["/".join(parts[: end + 1]) for end in range(len(parts))]
