"""The quarterly snapshot: on the first day of each quarter the scheduler stores every
county's slimming list of the quarter just ended, so counties compare quarters."""

from sqlmodel import select

from core.db import system_query
from core.tree.models import OrgNode
from core.usage.listing import slimming_list
from core.usage.models import SlimmingSnapshot
from core.usage.periods import last_quarter


def take_snapshots(session, today):
    period = last_quarter(today)
    counties = session.exec(
        system_query(select(OrgNode.path).where(OrgNode.depth == 0), "every county gets its snapshot")
    ).all()
    taken = 0
    for county in counties:
        exists = session.exec(
            select(SlimmingSnapshot.id).where(
                SlimmingSnapshot.org_path == county, SlimmingSnapshot.period_start == period.start
            )
        ).first()
        if exists is None:
            listing = slimming_list(session, county, period)
            session.add(
                SlimmingSnapshot(
                    org_path=county, period_start=period.start, period_end=period.end, rows=listing["modules"]
                )
            )
            taken += 1
    session.flush()
    return taken


def snapshots_of(session, org_path):
    """The snapshots stored for ``org_path`` (checked by the caller), newest first."""
    rows = session.exec(
        select(SlimmingSnapshot)
        .where(SlimmingSnapshot.org_path == org_path)
        .order_by(SlimmingSnapshot.period_start.desc())
    ).all()
    return rows
