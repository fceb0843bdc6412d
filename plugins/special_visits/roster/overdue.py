"""Overdue visits (job every 15 minutes, by the core's clock): an entry past its due date
is announced once per due date — event ``special_visits.visit_overdue`` and a notice in the
worker's inbox — and, ``grace_days`` later, escalates to the community admin: the core's
escalation fires the notice (unless a visit closed it first), this job publishes
``special_visits.visit_escalated`` and marks the entry so the roster shows it."""

from datetime import datetime, time, timedelta

from sqlmodel import select

from core.public import (
    Every,
    ScheduledJob,
    actor_named,
    clock,
    escalate_if_open,
    notify,
    publish,
    scope_of_model,
    today,
    utcnow,
)
from plugins.special_visits.groups.services import group_by_id
from plugins.special_visits.models import ACTIVE, RosterEntry
from plugins.special_visits.permissions import COMMUNITY_ADMIN_PACKAGE, GRID_WORKER_PACKAGE, PLUGIN
from plugins.special_visits.roster.assign import community_of

OVERDUE = "overdue"


def check_overdue(context):
    db = context.session
    for entry in _newly_overdue(db, context.scope):
        mark_overdue(db, entry)
    for entry in _due_to_escalate(db, context.scope):
        mark_escalated(db, entry)


def _newly_overdue(db, scope):
    statement = scope_of_model(select(RosterEntry), scope, RosterEntry).where(
        RosterEntry.status == ACTIVE,
        RosterEntry.due_date < today(),
        (RosterEntry.overdue_for.is_(None)) | (RosterEntry.overdue_for != RosterEntry.due_date),
    )
    return db.exec(statement.order_by(RosterEntry.id)).all()


def _due_to_escalate(db, scope):
    statement = scope_of_model(select(RosterEntry), scope, RosterEntry).where(
        RosterEntry.status == ACTIVE, RosterEntry.escalated_at.is_(None), RosterEntry.escalation_at <= utcnow()
    )
    return db.exec(statement.order_by(RosterEntry.id)).all()


def local_midnight(day):
    return datetime.combine(day, time(0), tzinfo=clock.zone)


def mark_overdue(db, entry):
    group = group_by_id(db, entry.group_id)
    entry.overdue_for = entry.due_date
    entry.escalation_at = local_midnight(entry.due_date + timedelta(days=1 + group.grace_days))
    entry.escalated_at = None
    link, name = f"/{PLUGIN}/entries/{entry.id}", entry.resident_name
    title = f"走访逾期：{name}（{group.name}，应于 {entry.due_date:%m月%d日} 前走访）"
    worker = actor_named(db, entry.assigned_to) if entry.assigned_to else None
    recipient = {"to_user": worker.id} if worker else {"to_package": GRID_WORKER_PACKAGE}
    notify(
        db,
        plugin=PLUGIN,
        title=title,
        org_path=entry.org_path,
        link=link,
        severity="warning",
        object_type=OVERDUE,
        object_id=entry.id,
        **recipient,
    )
    escalate_if_open(
        db,
        plugin=PLUGIN,
        object_type=OVERDUE,
        object_id=entry.id,
        at=entry.escalation_at,
        package=COMMUNITY_ADMIN_PACKAGE,
        org_path=community_of(entry.org_path),
        title=f"走访逾期 {group.grace_days} 天以上：{name}（{group.name}）",
        link=link,
        severity="urgent",
    )
    publish(db, f"{PLUGIN}.visit_overdue", _payload(entry), org_path=entry.org_path, actor="scheduler")


def mark_escalated(db, entry):
    entry.escalated_at = utcnow()
    publish(db, f"{PLUGIN}.visit_escalated", _payload(entry), org_path=entry.org_path, actor="scheduler")


def _payload(entry):
    return {
        "entry_id": entry.id,
        "resident_id": entry.resident_id,
        "group_id": entry.group_id,
        "org_path": entry.org_path,
        "due_date": entry.due_date.isoformat(),
        "assigned_to": entry.assigned_to or "",
    }


OVERDUE_JOB = ScheduledJob("special_visits.overdue", "检查逾期走访并上报", Every(15), check_overdue)
