"""Usage metering: every permission-checked plugin request counts once, at its node, with its
user; nothing is counted twice however often the spool is read; core pages do not count."""

from core.usage.ingest import ingest_spool
from tests.core.usage_support import RESIDENTS, bearer, counted, enable_residents


def test_a_plugin_request_counts_once_at_the_node_it_named(app, client, org_tree, make_user):
    enable_residents(app)
    worker = make_user("community_admin", "c1/s1/m1")
    headers = bearer(app, worker)
    for _ in range(3):
        assert client.get(f"{RESIDENTS}?org_path=c1/s1/m1", headers=headers).status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # a core page: not a module's use
    ingest_spool(app)
    counts, users = counted(app)
    assert counts == {("c1/s1/m1", "resident_info", "resident_info.read"): 3}
    assert users == 1
    ingest_spool(app)
    assert counted(app) == (counts, users), "reading the spool again counted the same requests twice"


def test_refused_requests_do_not_count(app, client, org_tree, make_user):
    enable_residents(app)
    headers = bearer(app, make_user(None, "c1/s1/m1"))  # signed in, no role package
    assert client.get(f"{RESIDENTS}?org_path=c1/s1/m1", headers=headers).status_code in (403, 404)
    ingest_spool(app)
    assert counted(app) == ({}, 0)


def test_two_users_on_one_day_are_two_distinct_users(app, client, org_tree, make_user):
    enable_residents(app)
    for _ in range(2):
        headers = bearer(app, make_user("community_admin", "c1/s1/m1"))
        client.get(f"{RESIDENTS}?org_path=c1/s1/m1", headers=headers)
        client.get(f"{RESIDENTS}?org_path=c1/s1/m1", headers=headers)
    ingest_spool(app)
    counts, users = counted(app)
    assert sum(counts.values()) == 4 and users == 2


def test_weekly_and_subtree_users_are_distinct_people_not_sums_of_days(app, org_tree):
    """One person on Monday and Tuesday in m1 and on Tuesday in m12, another on Tuesday in m1:
    daily users add up to 4, but the week at m1 has 2 people and street s1 has 2."""
    from datetime import date

    from sqlalchemy import insert, select

    from core.db import session_scope
    from core.usage.figures import distinct_users
    from core.usage.models import UsageCount, UsageUserDay, UsageWeekly
    from core.usage.periods import Period
    from core.usage.rollup import roll_up

    monday, tuesday = date(2026, 11, 30), date(2026, 12, 1)
    visits = [(monday, "c1/s1/m1", 7), (tuesday, "c1/s1/m1", 7), (tuesday, "c1/s1/m12", 7), (tuesday, "c1/s1/m1", 8)]
    with app.app_context(), session_scope(app) as db:
        for day, path, user in visits:
            db.execute(insert(UsageUserDay), {"day": day, "org_path": path, "plugin": "p", "user_id": user})
        for day, path in sorted({(day, path) for day, path, _user in visits}):
            db.execute(insert(UsageCount), {"day": day, "org_path": path, "plugin": "p", "action": "p.read", "n": 1})
        roll_up(db, date(2026, 12, 7))
        weekly = dict(
            db.execute(select(UsageWeekly.org_path, UsageWeekly.users).where(UsageWeekly.week == monday)).all()
        )
        street = distinct_users(db, "c1/s1", Period(monday, date(2026, 12, 7)))
        two_days = distinct_users(db, "c1/s1", Period(monday, date(2026, 12, 2)))  # edge days only
    assert weekly == {"c1/s1/m1": 2, "c1/s1/m12": 1}
    assert street == {"p": 2} and two_days == {"p": 2}


def test_a_form_without_a_title_is_counted_under_its_module_name_not_a_page_code(app, org_tree):
    from core.usage.meter import _form_name

    with app.test_request_context("/resident_info/residents/new"):
        assert _form_name({"type": "object"}) == "居民信息采集的表单"
        assert _form_name({"title": "居民登记"}) == "居民登记"
