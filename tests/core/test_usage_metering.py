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
