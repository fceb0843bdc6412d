"""Role-package permissions over the org tree, and the known Casbin traps (library-notes §2.7–2.10)."""

import pytest
from sqlalchemy import exists, func
from sqlmodel import select

from core.auth.actor import Actor
from core.db import UnscopedQueryError, session_scope
from core.permissions import store
from core.permissions.access import can, policy_engine, scope_for
from core.permissions.models import CasbinRule
from core.tree.models import OrgNode


def actor(user):
    return Actor(id=user.id, username=user.username, display_name="", org_path=user.org_path)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def grant(app, user, package, path):
    with session_scope(app) as db:
        return store.grant_package(db, user.id, package, path).id


def revoke(app, rule_id):
    with session_scope(app) as db:
        store.revoke_grant(db, db.get(CasbinRule, rule_id))


def test_a_grant_covers_its_node_and_subtree_only(ctx, make_user):
    worker = actor(make_user("street_admin", "c01/s03"))
    assert can(worker, "core.org_write", "c01/s03")
    assert can(worker, "core.org_write", "c01/s03/m07")
    assert can(worker, "core.org_write", "c01/s03/m07/g12")
    assert not can(worker, "core.org_write", "c01/s030")  # a sibling whose id starts the same
    assert not can(worker, "core.org_write", "c01/s030/m1")
    assert not can(worker, "core.org_write", "c01")  # no upward leak
    assert not can(worker, "core.org_write", "c02/s03")
    assert not can(worker, "core.package_write", "c01/s03")  # not in the package


def test_a_county_grant_does_not_match_a_county_with_a_longer_id(ctx, make_user):
    """keyMatch("c01*") would also match "c010" — our matcher never does."""
    admin = actor(make_user("county_admin", "c01"))
    assert can(admin, "core.org_read", "c01/s1")
    assert not can(admin, "core.org_read", "c010")
    assert not can(admin, "core.org_read", "c010/s1")


def test_malformed_or_forged_domains_are_denied(ctx, make_user):
    admin = actor(make_user("county_admin", "c01"))
    for forged in ("*", "c01/*", "c01/../c02", "", "c01,c02", "C01", "c01/", "/c01", None):
        assert not can(admin, "core.org_read", forged)


def test_duplicate_grant_then_one_revoke_really_revokes(ctx, make_user):
    """pycasbin keeps a link per add: add, add, remove left the role in place (trap §2.8.2)."""
    user = make_user(None, "c01/s1")
    first = grant(ctx, user, "street_admin", "c01/s1")
    second = grant(ctx, user, "street_admin", "c01/s1")
    assert first == second
    assert can(actor(user), "core.org_write", "c01/s1/m1")
    revoke(ctx, first)
    assert not can(actor(user), "core.org_write", "c01/s1/m1")
    with session_scope(ctx) as db:
        assert db.exec(select(CasbinRule).where(CasbinRule.ptype == "g", CasbinRule.v0 == f"u:{user.id}")).all() == []


def test_a_grant_in_a_failed_transaction_grants_nothing(ctx, make_user):
    """The batch API granted in memory even when the write failed (trap §2.8.1). Our
    enforcer only ever reloads from committed rows."""
    user = make_user(None, "c01")
    with pytest.raises(RuntimeError):
        with session_scope(ctx) as db:
            store.grant_package(db, user.id, "county_admin", "c01")
            raise RuntimeError("the business change failed")
    policy_engine().force_refresh()
    assert not can(actor(user), "core.org_read", "c01")


def test_revoking_two_grants_deletes_exactly_those_two(ctx, make_user):
    """The adapter's remove_policies built v0 IN (…) AND v1 IN (…) and over-deleted (trap §2.8.3)."""
    alice, bob = make_user(None, "c01"), make_user(None, "c01")
    a1 = grant(ctx, alice, "street_admin", "c01/d1")
    b2 = grant(ctx, bob, "community_admin", "c01/d2")
    grant(ctx, alice, "street_admin", "c01/d2")
    grant(ctx, bob, "community_admin", "c01/d1")
    revoke(ctx, a1)
    revoke(ctx, b2)
    assert can(actor(alice), "core.org_write", "c01/d2") and not can(actor(alice), "core.org_write", "c01/d1")
    assert can(actor(bob), "core.org_write", "c01/d1") and not can(actor(bob), "core.org_write", "c01/d2")
    with session_scope(ctx) as db:
        assert len(db.exec(select(CasbinRule).where(CasbinRule.ptype == "g")).all()) == 2


def test_values_with_commas_never_reach_a_rule(ctx, make_user):
    """Rules are stored comma-joined; "a,b" would reload as two fields (trap §2.7)."""
    from core.api.errors import ServiceError
    from core.permissions.ids import package_subject

    user = make_user(None, "c01")
    with pytest.raises(ValueError):
        package_subject("street_admin,county_admin")
    with pytest.raises(ServiceError):
        with session_scope(ctx) as db:
            store.grant_package(db, user.id, "street_admin", "c01,c02")


def test_unknown_domains_do_not_grow_casbins_cache_forever(ctx, make_user, monkeypatch):
    from core.permissions import policy

    monkeypatch.setattr(policy, "MAX_CACHED_DOMAINS", 50)
    user = actor(make_user("county_admin", "c01"))
    for number in range(300):
        can(user, "core.org_read", f"c01/x{number}")
    role_manager = policy_engine().enforcer.get_role_manager()
    assert len(role_manager.rm_map) <= 51
    assert can(user, "core.org_read", "c01/x7")  # decisions stay right after the cap


def test_a_policy_change_is_seen_at_once_in_this_process(ctx, make_user):
    user = make_user(None, "c01")
    assert not can(actor(user), "core.org_read", "c01")  # cached "no"
    rule_id = grant(ctx, user, "grid_feedback_worker", "c01")
    assert can(actor(user), "core.org_read", "c01")
    revoke(ctx, rule_id)
    assert not can(actor(user), "core.org_read", "c01")


def test_changing_a_packages_permissions_changes_every_holder(ctx, make_user):
    user = actor(make_user("grid_feedback_worker", "c01/s1/m1/g1"))
    assert not can(user, "core.user_read", "c01/s1/m1/g1")
    with session_scope(ctx) as db:
        store.set_package_permissions(db, "grid_feedback_worker", {"core.org_read", "core.user_read"})
    assert can(user, "core.user_read", "c01/s1/m1/g1")


def test_data_scope_lists_the_outermost_subtrees(ctx, make_user):
    user = make_user("community_admin", "c01/s1/m1")
    grant(ctx, user, "street_admin", "c01/s1")
    grant(ctx, user, "grid_feedback_worker", "c01/s2/m3/g9")
    assert scope_for(actor(user), "core.org_read").paths == ("c01/s1", "c01/s2/m3/g9")
    assert scope_for(actor(user), "core.user_write").paths == ("c01/s1",)
    assert not scope_for(actor(user), "core.package_write")


def test_scoped_queries_filter_in_sql_and_unscoped_ones_fail_closed(ctx, make_user, org_tree):
    from core.db import get_session
    from core.tree.scope import scope_of_model

    user = actor(make_user("community_admin", "c1/s1/m1"))
    db = get_session()
    with pytest.raises(UnscopedQueryError):
        db.exec(select(OrgNode)).all()
    rows = db.exec(scope_of_model(select(OrgNode), scope_for(user, "core.org_read"), OrgNode)).all()
    assert sorted(node.path for node in rows) == ["c1/s1/m1", "c1/s1/m1/g1"]  # not m12, not g10


def test_underscores_in_ids_are_not_sql_wildcards(ctx, make_user):
    from core.db import get_session
    from core.testing import build_tree
    from core.tree.scope import scope_of_model

    with session_scope(ctx) as db:
        build_tree(
            db,
            (
                ("c9", None, "county", "县"),
                ("s_1", "c9", "street", "甲"),
                ("sx1", "c9", "street", "乙"),
                ("m_1", "s_1", "community", "丙"),
                ("m9", "sx1", "community", "丁"),
            ),
        )
    user = actor(make_user("street_admin", "c9/s_1"))
    rows = get_session().exec(scope_of_model(select(OrgNode), scope_for(user, "core.org_read"), OrgNode)).all()
    assert sorted(node.path for node in rows) == ["c9/s_1", "c9/s_1/m_1"]


def test_a_token_limited_to_some_permissions_cannot_use_others(ctx, make_user):
    user = make_user("county_admin", "c01")
    limited = Actor(
        id=user.id,
        username=user.username,
        display_name="",
        org_path="c01",
        token_id="t",
        token_scopes=("core.org_read",),
    )
    assert can(limited, "core.org_read", "c01")
    assert not can(limited, "core.grant_write", "c01")
    assert not scope_for(limited, "core.grant_write")


def test_anonymous_api_call_gets_401_problem_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "登录" in response.get_json()["detail"]


def test_anonymous_page_visit_redirects_to_login(client):
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_database_refuses_a_second_identical_grant_row(ctx, make_user):
    """Two workers granting the same thing at once: the unique index keeps one row, so one
    revocation really revokes."""
    from sqlalchemy.exc import IntegrityError

    user = make_user("street_admin", "c01/s1")
    with pytest.raises(IntegrityError):
        with session_scope(ctx) as db:
            db.add(CasbinRule(ptype="g", v0=f"u:{user.id}", v1="pkg:street_admin", v2="c01/s1"))


@pytest.mark.parametrize(
    "statement",
    [
        lambda: select(func.count()).select_from(OrgNode),
        lambda: select(CasbinRule).join(OrgNode, OrgNode.path == CasbinRule.v2),
        lambda: select(CasbinRule).where(CasbinRule.v2.in_(select(OrgNode.path))),
        lambda: select(exists().where(OrgNode.id == "m1")),
        lambda: select(OrgNode.__table__.c.path),
    ],
)
def test_every_way_of_touching_a_tenant_table_needs_a_scope(ctx, org_tree, statement):
    from core.db import get_session

    with pytest.raises(UnscopedQueryError):
        get_session().exec(statement()).all()
