""" "Is this module in use?" figures for the slimming list: visits in the last 30 days and
active roster entries under a node."""

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from core.public import DataScope, scope_of_model, utcnow
from plugins.special_visits.models import ACTIVE, RosterEntry, Visit


def usage_figures(db, org_path):
    scope = DataScope((org_path,))
    visits = scope_of_model(select(func.count()).select_from(Visit), scope, Visit).where(
        Visit.visited_at >= utcnow() - timedelta(days=30)
    )
    entries = scope_of_model(select(func.count()).select_from(RosterEntry), scope, RosterEntry).where(
        RosterEntry.status == ACTIVE
    )
    return {"visits_last_30_days": db.exec(visits).one(), "roster_entries": db.exec(entries).one()}
