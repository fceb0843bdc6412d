"""Policy storage and propagation: pycasbin's own truth table through our table, and a
revocation reaching another process within a second."""

import multiprocessing

import casbin
import pytest
from sqlalchemy_adapter import Adapter

from core.db import session_scope
from core.permissions.models import CasbinRule

# pycasbin's examples/rbac_with_domains_model.conf and its policy.
RBAC_WITH_DOMAINS = """
[request_definition]
r = sub, dom, obj, act
[policy_definition]
p = sub, dom, obj, act
[role_definition]
g = _, _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub, r.dom) && r.dom == p.dom && r.obj == p.obj && r.act == p.act
"""
POLICY = [
    ("p", "admin", "domain1", "data1", "read"),
    ("p", "admin", "domain1", "data1", "write"),
    ("p", "admin", "domain2", "data2", "read"),
    ("p", "admin", "domain2", "data2", "write"),
    ("g", "alice", "admin", "domain1"),
    ("g", "bob", "admin", "domain2"),
]
# pycasbin tests/test_enforcer.py::test_enforce_rbac_with_domains
TRUTH_TABLE = [
    ("alice", "domain1", "data1", "read", True),
    ("alice", "domain1", "data1", "write", True),
    ("alice", "domain1", "data2", "read", False),
    ("alice", "domain1", "data2", "write", False),
    ("bob", "domain2", "data1", "read", False),
    ("bob", "domain2", "data1", "write", False),
    ("bob", "domain2", "data2", "read", True),
    ("bob", "domain2", "data2", "write", True),
]


def test_pycasbin_rbac_with_domains_truth_table_through_our_storage(engine):
    from sqlmodel import Session

    with Session(engine) as db:  # a fresh migrated database: our table, no app policy in it
        for ptype, *values in POLICY:
            db.add(CasbinRule(ptype=ptype, **{f"v{i}": v for i, v in enumerate(values)}))
        db.commit()
    model = casbin.Model()
    model.load_model_from_text(RBAC_WITH_DOMAINS)
    enforcer = casbin.Enforcer(model, Adapter(engine, db_class=CasbinRule, create_table=False))
    for sub, dom, obj, act, expected in TRUTH_TABLE:
        assert enforcer.enforce(sub, dom, obj, act) is expected, (sub, dom, obj, act)


def _watch_for_revocation(config, user_id, path, ready, revoked, result):
    """In a separate process with its own app: wait until the grant works, then report
    whether the revocation was seen within one second of being committed."""
    import time

    from core.app import create_app
    from core.auth.actor import Actor
    from core.permissions.access import can

    app = create_app(config)
    with app.app_context():
        me = Actor(id=user_id, username="u", display_name="", org_path=path)
        result.put(("granted", can(me, "core.org_read", path)))
        ready.set()
        revoked.wait(30)
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            if not can(me, "core.org_read", path):
                result.put(("revoked_seen", True))
                return
            time.sleep(0.01)
        result.put(("revoked_seen", False))


@pytest.mark.slow
def test_a_revoked_grant_stops_working_in_another_process_within_a_second(app, make_user):
    from core.permissions import store

    user = make_user("community_admin", "c1/s1/m1")
    context = multiprocessing.get_context("spawn")
    ready, revoked, result = context.Event(), context.Event(), context.Queue()
    config = {key: app.config[key] for key in ("DATABASE_URL", "SECRET_KEY", "INSTANCE_PATH", "TESTING")}
    watcher = context.Process(target=_watch_for_revocation, args=(config, user.id, "c1/s1/m1", ready, revoked, result))
    watcher.start()
    try:
        assert ready.wait(60)
        assert result.get(timeout=5) == ("granted", True)
        with app.app_context(), session_scope(app) as db:
            rule = store.find_grant(db, user.id, "community_admin", "c1/s1/m1")
            store.revoke_grant(db, rule)
        revoked.set()
        assert result.get(timeout=10) == ("revoked_seen", True)
    finally:
        watcher.join(10)
        if watcher.is_alive():
            watcher.kill()
