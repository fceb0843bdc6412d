"""Recording a visit: stored once per client key (a resend from the phone answers as the
first time), the entry's next due date moved on, any overdue notice and escalation settled,
the alert visit marked done, and a follow-up published for other modules."""

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from core.public import ApiError, clock, object_closed, publish, record_audit, scope_of_model, utcnow
from plugins.special_visits.groups.services import group_by_id
from plugins.special_visits.models import ACTIVE, RosterEntry, Visit
from plugins.special_visits.permissions import PLUGIN
from plugins.special_visits.roster.maintain import next_due


def visit_with_key(db, scope, client_key):
    if not client_key:
        return None
    return db.exec(scope_of_model(select(Visit), scope, Visit).where(Visit.client_key == client_key)).first()


def record_visit(db, scope, entry, values, actor, client_key=None, attach=None):
    """Stores the visit and commits; returns (visit, created). A key seen before (also one
    racing us into the unique index) returns the stored visit, created False."""
    existing = visit_with_key(db, scope, client_key)
    if existing is not None:
        return existing, False
    if entry.status != ACTIVE:
        raise ApiError(409, "该居民已不在走访名单中（迁出、死亡或不再符合条件），无需走访。")
    visit = _apply(db, entry, values, actor, client_key)
    if attach is not None:
        attach(visit)  # photos, in the same transaction
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        existing = visit_with_key(db, scope, client_key)
        if existing is None:
            raise
        return existing, False
    return visit, True


def _apply(db, entry, values, actor, client_key):
    now = utcnow()
    group = group_by_id(db, entry.group_id)
    visit = Visit(
        entry_id=entry.id,
        group_id=entry.group_id,
        resident_id=entry.resident_id,
        org_path=entry.org_path,
        visited_at=now,
        visitor=actor.username,
        form=values["form"],
        findings=dict(values["findings"]),
        note=values.get("note", ""),
        follow_up=bool(values.get("follow_up")),
        follow_up_note=values.get("follow_up_note", "") if values.get("follow_up") else "",
        due_date=entry.due_date,
        on_time=clock.local(now).date() <= entry.due_date,
        alert_id=entry.alert_id if entry.alert_visited_at is None else None,
        client_key=client_key,
    )
    db.add(visit)
    _settle_entry(db, entry, group, now)
    db.flush()
    record_audit(
        db,
        f"{PLUGIN}.visit_recorded",
        actor=actor.username,
        target=f"{PLUGIN}_visit:{visit.id}",
        org_path=entry.org_path,
        detail={"entry_id": entry.id, "form": visit.form, "follow_up": visit.follow_up},
    )
    if visit.follow_up:
        publish(
            db,
            f"{PLUGIN}.follow_up_requested",
            follow_up_payload(visit, entry),
            org_path=entry.org_path,
            actor=actor.username,
        )
    return visit


def _settle_entry(db, entry, group, now):
    entry.last_visit_at = now
    entry.due_date = next_due(entry, group)
    entry.overdue_for, entry.escalation_at, entry.escalated_at = None, None, None
    if entry.alert_id is not None and entry.alert_visited_at is None:
        entry.alert_visited_at = now
    object_closed(db, PLUGIN, "overdue", entry.id)


def follow_up_payload(visit, entry):
    attention = sorted(key for key, value in visit.findings.items() if value != "normal")
    return {
        "visit_id": visit.id,
        "entry_id": entry.id,
        "resident_id": entry.resident_id,
        "group_id": entry.group_id,
        "org_path": entry.org_path,
        "findings_attention": attention,
        "note": visit.follow_up_note[:200],
    }


def visits_of(db, scope, entry_id, limit=10):
    statement = scope_of_model(select(Visit), scope, Visit).where(Visit.entry_id == entry_id)
    return db.exec(statement.order_by(Visit.visited_at.desc(), Visit.id.desc()).limit(limit)).all()


def entry_in(db, scope, entry_id):
    return db.exec(scope_of_model(select(RosterEntry), scope, RosterEntry).where(RosterEntry.id == entry_id)).first()


def visit_in(db, scope, visit_id):
    return db.exec(scope_of_model(select(Visit), scope, Visit).where(Visit.id == visit_id)).first()
