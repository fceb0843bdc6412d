"""Plugin data follows the org tree (outside probe, issue 9 §1): a plugin declares which of
its tables hang off the tree (manifest ``tables[].org_path_column``); moving or merging a
node rewrites those rows in the same transaction, and a node that still holds any is not
deleted. Shown with a small fixture plugin; resident_info's own test walks the same paths."""

import pytest
from sqlalchemy import text

from core.db import engine_of
from core.state import state_of
from core.testing import GridworkClient


@pytest.fixture
def bound_app(plugged, org_tree):
    app = plugged("fx_bound", enabled_at="c1")
    table = state_of(app).host.get("fx_bound").module.visits
    table.create(engine_of(app), checkfirst=True)
    with engine_of(app).begin() as conn:
        for path in ("c1/s1/m1", "c1/s1/m1/g1", "c1/s1/m12/g10", "c1/s2/m2/g2"):
            conn.execute(
                text("INSERT INTO fx_bound_visit (org_path, county_path, note) VALUES (:p, 'c1', :p)"), {"p": path}
            )
    yield app
    table.drop(engine_of(app))


def visits(app):
    with engine_of(app).connect() as conn:
        return dict(conn.execute(text("SELECT note, org_path FROM fx_bound_visit")).all())


@pytest.fixture
def county_admin(bound_app, make_user):
    client = GridworkClient(bound_app.test_client())
    assert client.login(make_user("county_admin", "c1").username).status_code == 302
    return client


def test_moving_a_community_carries_the_plugins_rows_with_it(bound_app, county_admin):
    assert county_admin.post("/api/v1/orgs/m1/move", json={"parent_id": "s2"}).status_code == 200
    assert visits(bound_app) == {
        "c1/s1/m1": "c1/s2/m1",
        "c1/s1/m1/g1": "c1/s2/m1/g1",
        "c1/s1/m12/g10": "c1/s1/m12/g10",
        "c1/s2/m2/g2": "c1/s2/m2/g2",
    }


def test_merging_folds_the_rows_into_the_target(bound_app, county_admin):
    assert county_admin.post("/api/v1/orgs/m12/merge", json={"into": "m1"}).status_code == 200
    assert visits(bound_app)["c1/s1/m12/g10"] == "c1/s1/m1/g10"


def test_a_node_that_still_holds_records_is_not_deleted(bound_app, county_admin, org_tree):
    refused = county_admin.delete("/api/v1/orgs/g2")
    assert refused.status_code == 409
    detail = refused.get_json()["detail"]
    assert "测试走访" in detail and "1 条记录" in detail
    with engine_of(bound_app).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM core_org_node WHERE id = 'g2'")).scalar() == 1
    with engine_of(bound_app).begin() as conn:
        conn.execute(text("DELETE FROM fx_bound_visit WHERE org_path = 'c1/s2/m2/g2'"))
    assert county_admin.delete("/api/v1/orgs/g2").status_code == 204


def test_the_state_lists_the_declared_tables(bound_app):
    declared = {
        (bound.plugin, bound.name, bound.path_column, bound.county_column)
        for bound in state_of(bound_app).org_bound_tables
    }
    assert ("fx_bound", "fx_bound_visit", "org_path", "county_path") in declared


def test_a_declared_column_that_does_not_exist_stops_that_plugin_alone(plugged):
    app = plugged("fx_bad_bound", "fx_bound")
    host = state_of(app).host
    assert (
        "org_path" in host.plugins["fx_bad_bound"].error and "fx_bad_bound_entry" in host.plugins["fx_bad_bound"].error
    )
    assert host.get("fx_bound") is not None
    assert "fx_bad_bound" not in {bound.plugin for bound in state_of(app).org_bound_tables}
