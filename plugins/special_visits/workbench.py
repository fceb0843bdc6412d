"""special_visits on the workbench: "待走访 N，逾期 M" — a grid worker's own entries, or
everything in the scope of someone who oversees visits without doing them."""

from core.public import WorkItem, scope_for
from plugins.special_visits.permissions import PLUGIN, ROSTER_READ
from plugins.special_visits.roster.due import counts


def workbench_items(db, actor):
    scope = scope_for(actor, ROSTER_READ)
    if not scope.paths:
        return []
    due, overdue = counts(db, scope, assigned_to=actor.username)
    if due or overdue:
        return [
            WorkItem(
                "待走访",
                due,
                f"/{PLUGIN}/?mine=1",
                unit="人",
                overdue=overdue,
                note=f"逾期 {overdue} 人" if overdue else "",
                order=30,
            )
        ]
    due, overdue = counts(db, scope)
    return [WorkItem("辖区待走访", due, f"/{PLUGIN}/?mine=0", unit="人", overdue=overdue, order=40)]
