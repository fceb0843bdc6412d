"""Plain helpers for waste_sorting's tests: a collection point made through the page, an
inspection recorded through the page, reading rows back."""

import re
import uuid

from core.testing import rows

POINT_FORM = {
    "name": "3栋北侧投放点",
    "org_path": "c1/s1/m1/g1",
    "bin_types": ["kitchen", "other"],
    "location": "3 栋北侧",
    "schedule": "07:00-09:00",
}


def make_point(client, **fields):
    answer = client.post("/waste_sorting/points/new", data={**POINT_FORM, **fields})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    return int(re.search(r"/points/(\d+)", answer.headers["Location"]).group(1))


def inspect(client, point_id, failed=(), key=None, **extra):
    data = {"failed": list(failed), "client_key": key or str(uuid.uuid4()), **extra}
    return client.post(f"/waste_sorting/inspect/{point_id}", data=data)


def inspection_id_of(answer):
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    return int(re.search(r"/inspections/(\d+)", answer.headers["Location"]).group(1))


def open_rectifications(app, point_id):
    return rows(app, "SELECT * FROM waste_sorting_rectification WHERE point_id = :p AND status = 'open'", p=point_id)


def make_household(app, org_path="c1/s1/m1/g1", head="王建国", building="3", unit="2", room="301"):
    """A household with its head, as resident_info registers them (its tables, not its code)."""
    from datetime import date

    from core.db import session_scope
    from plugins.resident_info.models import Household, Resident

    with app.app_context(), session_scope(app) as db:
        household = Household(county_path="c1", org_path=org_path, building=building, unit=unit, room=room)
        db.add(household)
        db.flush()
        resident = Resident(
            county_path="c1",
            org_path=org_path,
            name=head,
            gender="male",
            birth_date=date(1960, 5, 1),
            household_id=household.id,
            relation_to_head="head",
        )
        db.add(resident)
        db.flush()
        household.head_resident_id = resident.id
        return household.id


def seed_point(app, org_path="c1/s1/m1/g1", name="3栋北侧投放点", supervisor=""):
    """A collection point written straight to its table (browser tests start from it)."""
    from core.db import session_scope
    from plugins.waste_sorting.models import CollectionPoint

    with app.app_context(), session_scope(app) as db:
        point = CollectionPoint(
            org_path=org_path,
            name=name,
            bin_types=["kitchen", "other"],
            supervisor=supervisor,
            location="3 栋北侧",
            schedule="07:00-09:00",
        )
        db.add(point)
        db.flush()
        return point.id
