"""The demo's quarter of usage: the slimming list has figures, an improvement suggestion for
the resident form, and a second seeding adds nothing."""

from datetime import date

from sqlalchemy import func, select

from core.db import session_scope
from core.usage.demo_usage import seed_demo_usage
from core.usage.listing import slimming_list
from core.usage.models import UsageCount
from core.usage.periods import last_quarter
from tests.core.usage_support import enable_residents

COMMUNITIES = ["c1/s1/m1", "c1/s1/m12", "c1/s2/m2"]


def test_the_demo_usage_feeds_the_slimming_list(app, org_tree, clock):
    enable_residents(app)
    today = date(2026, 12, 3)
    with app.test_request_context(), session_scope(app) as db:
        assert seed_demo_usage(db, "c1", COMMUNITIES, ["resident_info"], today) > 80
        listing = slimming_list(db, "c1", last_quarter(today))
        rows = db.execute(select(func.count()).select_from(UsageCount)).scalar()
        assert seed_demo_usage(db, "c1", COMMUNITIES, ["resident_info"], today) == 0
        assert db.execute(select(func.count()).select_from(UsageCount)).scalar() == rows
    residents = next(m for m in listing["modules"] if m["plugin"] == "resident_info")
    assert residents["used_nodes"] == 3 and residents["users"] == 12
    assert any("“备注”" in note and "可考虑删去" in note for note in residents["suggestions"])
