"""special_visits' sample records for the cross-tenant matrix (``gridwork_sample_records``):
a group defined at the tenant's node, a roster entry and a visit under it, all carrying the
marker. Only the test suite calls this; it writes through the models."""

from datetime import timedelta

from core.public import today, utcnow
from plugins.special_visits.models import RosterEntry, TargetGroup, Visit


def create_sample_records(session, org_path, marker):
    group = TargetGroup(org_path=org_path, name=marker[:50], rule={"tags_all": [marker[:50]]}, checklist=["health"])
    session.add(group)
    session.flush()
    entry = RosterEntry(
        group_id=group.id,
        resident_id=1,
        org_path=org_path,
        resident_name=marker[:50],
        address=marker[:100],
        joined_on=today(),
        due_date=today() + timedelta(days=7),
    )
    session.add(entry)
    session.flush()
    visit = Visit(
        entry_id=entry.id,
        group_id=group.id,
        resident_id=1,
        org_path=org_path,
        visited_at=utcnow(),
        visitor=marker[:64],
        form="home",
        findings={"health": "normal"},
        note=marker[:200],
        due_date=entry.due_date,
    )
    session.add(visit)
    session.flush()
    return {"entry_id": entry.id, "group_id": group.id, "visit_id": visit.id}
