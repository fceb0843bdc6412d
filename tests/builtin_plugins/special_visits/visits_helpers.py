"""Plain helpers for special_visits' tests: residents registered through resident_info's
API (its events then maintain the rosters), the event dispatcher drained in the test's
thread, and the rosters read back as plain tuples."""

import itertools
from datetime import date

from core.db import session_scope
from core.testing import rows

GRID = "c1/s1/m1/g1"
SIBLING_GRID = "c1/s1/m12/g10"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECKS = "10X98765432"
_sequence = itertools.count(100)


def enable_visits(app):
    from plugins.special_visits.groups.services import ensure_default_groups

    with app.app_context(), session_scope(app) as db:
        ensure_default_groups(db, "c1")


def make_id(birth):
    first17 = f"110105{birth:%Y%m%d}{next(_sequence) % 1000:03d}"
    return first17 + ID_CHECKS[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11]


def born_years_ago(years, today=None):
    today = today or date.today()
    return date(today.year - years, 1, 1) if (today.month, today.day) >= (1, 1) else date(today.year - years - 1, 1, 1)


def register(client, name="王秀英", age=80, tags=("独居老人",), grid=GRID, birth=None, **extra):
    birth = birth or born_years_ago(age)
    body = {
        "name": name,
        "id_number": make_id(birth),
        "phone": "13812345678",
        "org_path": grid,
        "building": "3号楼",
        "unit": "2单元",
        "room": "301",
        "tags": [tag_entry(tag) for tag in tags],
        **extra,
    }
    response = client.post("/api/v1/resident_info/residents", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def tag_entry(tag):
    """A tag as the register takes it (a disability needs its level)."""
    return {"tag": tag, "level": 2} if tag == "残疾" else {"tag": tag}


def patch_resident(client, resident, **changes):
    response = client.patch(
        f"/api/v1/resident_info/residents/{resident['id']}", json={**changes, "version": resident["version"]}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def drain(app):
    from core.events.dispatch import Dispatcher

    with app.app_context():
        return Dispatcher(app).drain()


def roster(app):
    """{(group seed key, resident id): (status, reason, grid, assignee)} for every entry."""
    found = rows(
        app,
        "SELECT g.seed_key, e.resident_id, e.status, e.status_reason, e.org_path, e.assigned_to "
        "FROM special_visits_entry e JOIN special_visits_group g ON g.id = e.group_id",
    )
    return {(key, rid): (status, reason, path, who) for key, rid, status, reason, path, who in found}


def entry_id(app, resident_id, seed_key="elderly_alone"):
    return rows(
        app,
        "SELECT e.id FROM special_visits_entry e JOIN special_visits_group g ON g.id = e.group_id "
        "WHERE e.resident_id = :rid AND g.seed_key = :key",
        rid=resident_id,
        key=seed_key,
    )[0][0]


def execute(app, sql, **params):
    """A raw write (rows() reads)."""
    from sqlalchemy import text

    with app.app_context(), session_scope(app) as db:
        db.execute(text(sql), params)


def revoke(app, user, package, org_path):
    from core.permissions.store import find_grant, revoke_grant

    with app.app_context(), session_scope(app) as db:
        revoke_grant(db, find_grant(db, user.id, package, org_path))


def inbox_titles(client):
    answer = client.get("/api/v1/inbox?status=open").get_json()
    assert "items" in answer, answer
    return [item["title"] for item in answer["items"]]
