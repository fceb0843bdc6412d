"""waste_sorting's sample records for the cross-tenant matrix: a point, a failed inspection
with its rectification, a checklist version, a ledger entry — all at the tenant's node and
carrying its marker. Only the test suite calls this; it writes through the models."""

from datetime import timedelta

from core.public import utcnow
from plugins.waste_sorting.ledger import chain
from plugins.waste_sorting.models import Checklist, CollectionPoint, Inspection, InspectionItem, Rectification
from plugins.waste_sorting.places import community_of


def create_sample_records(session, org_path, marker):
    point = CollectionPoint(org_path=org_path, name=marker[:60], location=marker, bin_types=["kitchen"])
    item = {"key": "sorted", "title": marker[:100], "weight": 10, "critical": True}
    # At the tenant's own node, so only that tenant (and those above it) may read this version.
    checklist = Checklist(org_path=org_path, version=1, items=[item], created_by=marker)
    session.add_all([point, checklist])
    session.flush()
    now = utcnow()
    day = now.date()
    inspection = Inspection(
        org_path=org_path,
        point_id=point.id,
        checklist_id=checklist.id,
        score=0,
        passed=False,
        critical_failed=True,
        note=marker,
        inspector=marker,
        inspected_at=now,
        local_day=day,
        week_start=day - timedelta(days=day.weekday()),
    )
    session.add(inspection)
    session.flush()
    session.add(
        InspectionItem(
            inspection_id=inspection.id, item_key="sorted", title=marker[:100], weight=10, critical=True, passed=False
        )
    )
    rectification = Rectification(
        org_path=org_path,
        point_id=point.id,
        inspection_id=inspection.id,
        assigned_to=marker,
        deadline=now + timedelta(days=3),
    )
    session.add(rectification)
    entry = chain.append(
        session,
        community_of(org_path),
        household_id=1,
        surname="",
        house=marker[:60],
        points=1,
        action="correct_sorting",
        reason=marker,
        inspection_id=None,
        reverses_seq=None,
        actor=marker,
    )
    session.flush()
    return {
        "point_id": point.id,
        "inspection_id": inspection.id,
        "rectification_id": rectification.id,
        "checklist_id": checklist.id,
        "entry_id": entry.id,
    }
