"""The ``visit_soon`` action of the my_roster block, which a scenario's trigger calls: the
resident's next visit (in every group they are on, at the trigger's node) is brought forward
to within a few days — a resident just tagged 独居老人 is visited this week, not next month."""

from datetime import timedelta

from sqlmodel import select

from core.public import DataScope, scope_of_model, today
from plugins.special_visits.models import ACTIVE, RosterEntry
from plugins.special_visits.roster.maintain import sync_resident

DEFAULT_DAYS = 3


def visit_soon(data, context):
    """Returns how many roster entries now fall due by then. The roster is brought in line
    first: the trigger may run before the plugin's own handler has seen the same event."""
    db, org_path = context["session"], context["org_path"]
    if "/" in org_path:  # a grid or community: the resident's roster entries live there
        sync_resident(db, data["resident_id"], org_path)
    by = today() + timedelta(days=int(data.get("within_days", DEFAULT_DAYS)))
    statement = scope_of_model(select(RosterEntry), DataScope((org_path,)), RosterEntry).where(
        RosterEntry.resident_id == data["resident_id"], RosterEntry.status == ACTIVE
    )
    entries = db.exec(statement).all()
    for entry in entries:
        entry.due_date = min(entry.due_date, by)
    return len(entries)
