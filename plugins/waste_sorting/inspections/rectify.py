"""Rectification (整改) rules, applied to every inspection as it is stored:

- a failure at a point with no open rectification opens one, due after the checklist's
  ``deadline_days``, assigned to the point's supervisor (an inbox notice; the community
  admin when the point has none), with an escalation to the community admin at the deadline;
- an inspection of a point with an open rectification is its re-check: a pass closes it
  (and settles its notices and pending escalation), a failure keeps it open with a new
  deadline (and a new notice and escalation);
- a failure that makes ``repeat_fails`` failures within ``repeat_days`` escalates the point
  to the community admin at once.

The overdue job publishes ``rectification_overdue`` once per rectification."""

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from core.public import (
    DataScope,
    Every,
    ScheduledJob,
    actor_named,
    escalate_if_open,
    isoformat,
    notify,
    object_closed,
    publish,
    scope_of_model,
    scoped,
    utcnow,
)
from plugins.waste_sorting.models import Inspection, Rectification
from plugins.waste_sorting.permissions import PLUGIN
from plugins.waste_sorting.places import community_of

OBJECT = "rectification"


def open_rectification_of(db, point):
    statement = select(Rectification).where(Rectification.point_id == point.id, Rectification.status == "open")
    return db.exec(scope_of_model(statement, _exactly(point.org_path), Rectification)).first()


def after_inspection(db, inspection, point, checklist, actor):
    current = open_rectification_of(db, point)
    if current is not None:
        inspection.rectification_id = current.id
        db.add(inspection)
        if inspection.passed:
            _close(db, current, inspection, actor)
        else:
            _extend(db, current, point, checklist, actor)
    elif not inspection.passed:
        _open(db, inspection, point, checklist, actor)
    if not inspection.passed:
        _check_repeated_failures(db, inspection, point, checklist, actor)


def _open(db, inspection, point, checklist, actor):
    rectification = Rectification(
        org_path=point.org_path,
        point_id=point.id,
        inspection_id=inspection.id,
        assigned_to=point.supervisor,
        deadline=utcnow() + timedelta(days=checklist.deadline_days),
    )
    db.add(rectification)
    db.flush()
    assign(db, rectification, point, f"投放点需整改：{point.name}")
    publish(
        db, f"{PLUGIN}.rectification_opened", _payload(rectification), org_path=point.org_path, actor=actor.username
    )


def _extend(db, rectification, point, checklist, actor):
    object_closed(db, PLUGIN, OBJECT, rectification.id, by=actor.username)  # the old deadline's notices
    rectification.rechecks += 1
    rectification.deadline = utcnow() + timedelta(days=checklist.deadline_days)
    rectification.overdue_at = None
    db.add(rectification)
    assign(db, rectification, point, f"复查仍不合格，请继续整改：{point.name}")


def _close(db, rectification, inspection, actor):
    rectification.status, rectification.closed_at = "closed", utcnow()
    rectification.closed_by_inspection_id = inspection.id
    db.add(rectification)
    object_closed(db, PLUGIN, OBJECT, rectification.id, by=actor.username)
    payload = {"rectification_id": rectification.id, "point_id": rectification.point_id, "inspection_id": inspection.id}
    publish(db, f"{PLUGIN}.rectification_closed", payload, org_path=rectification.org_path, actor=actor.username)


def assign(db, rectification, point, title):
    """The supervisor's notice (the community admin's without one) and the escalation at the deadline."""
    link = f"/{PLUGIN}/rectifications/{rectification.id}"
    supervisor = actor_named(db, point.supervisor) if point.supervisor else None
    target = {"to_user": supervisor.id} if supervisor else {"to_package": "community_admin"}
    notify(
        db,
        plugin=PLUGIN,
        title=title,
        org_path=point.org_path,
        link=link,
        severity="warning",
        due_at=rectification.deadline,
        object_type=OBJECT,
        object_id=rectification.id,
        **target,
    )
    escalate_if_open(
        db,
        plugin=PLUGIN,
        object_type=OBJECT,
        object_id=rectification.id,
        at=rectification.deadline,
        package="community_admin",
        org_path=community_of(point.org_path),
        title=f"整改逾期：{point.name}",
        link=link,
        severity="urgent",
    )


def _check_repeated_failures(db, inspection, point, checklist, actor):
    since = utcnow() - timedelta(days=checklist.repeat_days)
    statement = (
        select(func.count())
        .select_from(Inspection)
        .where(Inspection.point_id == point.id, Inspection.passed.is_(False), Inspection.inspected_at >= since)
    )
    failures = db.exec(scope_of_model(statement, _exactly(point.org_path), Inspection)).one()
    if failures != checklist.repeat_fails:  # once, when the rule is first met, not at every later failure
        return
    notify(
        db,
        plugin=PLUGIN,
        title=f"{point.name} {checklist.repeat_days} 天内 {failures} 次检查不合格",
        org_path=community_of(point.org_path),
        to_package="community_admin",
        link=f"/{PLUGIN}/points/{point.id}",
        severity="urgent",
    )
    payload = {"point_id": point.id, "failures": failures, "days": checklist.repeat_days}
    publish(db, f"{PLUGIN}.point_escalated", payload, org_path=point.org_path, actor=actor.username)


def mark_overdue(context):
    """Scheduled: each open rectification past its deadline is published as overdue once."""
    statement = select(Rectification).where(
        Rectification.status == "open", Rectification.deadline <= context.now, Rectification.overdue_at.is_(None)
    )
    for rectification in context.session.exec(scoped(statement, context.scope, Rectification.org_path)).all():
        rectification.overdue_at = context.now
        context.session.add(rectification)
        publish(
            context.session,
            f"{PLUGIN}.rectification_overdue",
            _payload(rectification),
            org_path=rectification.org_path,
            actor="scheduler",
        )


OVERDUE_JOB = ScheduledJob(f"{PLUGIN}.overdue_rectifications", "整改逾期检查", Every(15), mark_overdue)


def _payload(rectification):
    return {
        "rectification_id": rectification.id,
        "point_id": rectification.point_id,
        "deadline": isoformat(rectification.deadline),
    }


def _exactly(org_path):
    """The point's own node: its rectifications and inspections live at its path."""
    return DataScope((org_path,))
