"""waste_sorting on the workbench (工作台): "今日待检 N 处，待复查 M 处" — active points in the
person's inspection scope not yet inspected today, and open rectifications there (overdue
ones turn the count red). Three indexed COUNT queries."""

from sqlalchemy import func
from sqlmodel import select

from core.public import WorkItem, clock, scope_for, scope_of_model, utcnow
from plugins.waste_sorting.models import CollectionPoint, Inspection, Rectification
from plugins.waste_sorting.permissions import INSPECT, PLUGIN


def workbench_items(db, actor):
    scope = scope_for(actor, INSPECT)
    if not scope.paths:
        return []
    inspected = select(Inspection.point_id).where(Inspection.local_day == clock.local(utcnow()).date())
    due = (
        select(func.count())
        .select_from(CollectionPoint)
        .where(
            CollectionPoint.status == "active", CollectionPoint.id.not_in(scope_of_model(inspected, scope, Inspection))
        )
    )
    due = db.exec(scope_of_model(due, scope, CollectionPoint)).one()
    open_rect = scope_of_model(
        select(func.count()).select_from(Rectification).where(Rectification.status == "open"), scope, Rectification
    )
    rechecks = db.exec(open_rect).one()
    overdue = db.exec(open_rect.where(Rectification.deadline < utcnow())).one()
    note = f"待复查 {rechecks} 处" + (f"，其中逾期 {overdue} 处" if overdue else "")
    return [WorkItem("今日待检", due, f"/{PLUGIN}/inspect", unit="处", overdue=overdue, note=note, order=30)]
