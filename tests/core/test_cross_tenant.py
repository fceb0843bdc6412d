"""The cross-tenant matrix (``core.testing.cross_tenant``) over every route of the app:
the core's and every installed plugin's, each × every default role package × a sibling and
a cousin tenant. Each plugin's sample records come from its ``gridwork_sample_records``;
a route with a URL variable nobody fills fails here until its plugin returns it.

The actor holds its package at community ``m1``. ``m12`` is a sibling whose id starts with
``m1`` (the prefix trap) and ``m2`` is a cousin under another street.
"""

import pytest

from core.db import engine_of
from core.state import state_of
from core.testing import default_package_names

PACKAGES = default_package_names()


@pytest.fixture
def matrix(cross_tenant_matrix):
    """Every loaded plugin switched on for the whole county, so its routes answer."""
    return cross_tenant_matrix(enable_at="c1")


def test_the_matrix_walks_the_core_and_every_installed_plugin(app, matrix):
    walked = {plugin for _rule, _method, plugin in matrix.routes()}
    loaded = {plugin.name for plugin in state_of(app).host.loaded()}
    assert walked == loaded & ({"core"} | set(state_of(app).blueprint_owners.values()))
    assert "resident_info" in walked, "the built-in plugin was not loaded: its routes would go unchecked"
    for tenant in matrix.foreign:
        assert {"core", "resident_info"} <= set(tenant.records), tenant


@pytest.mark.parametrize("package", PACKAGES)
def test_no_route_leaks_or_changes_another_tenants_records(matrix, package):
    matrix.assert_no_leaks(package)


def test_the_matrix_catches_a_broken_data_scope(matrix, monkeypatch):
    """Break the shared scope mechanism the way a bug would (every subtree "covered") and
    the matrix must notice, or it proves nothing."""
    from sqlalchemy import true

    from core.tree.scope import DataScope

    monkeypatch.setattr(DataScope, "covers", lambda self, path: True)
    monkeypatch.setattr(DataScope, "clause", lambda self, column: true())
    problems = matrix.problems("community_admin")
    assert any("shows" in problem for problem in problems)
    assert any("expected 404" in problem for problem in problems)
    assert any("/resident_info/" in problem for problem in problems), "the plugin's sample records were not used"


@pytest.mark.parametrize("package", ["county_admin", "community_admin", "data_supervisor"])
def test_own_tenant_records_are_reachable(matrix, client, login_as, package):
    """The matrix is only meaningful if the same routes do answer for the actor's own tenant."""
    login_as(package, matrix.own.path)
    own = matrix.own.records["core"]
    assert client.get(f"/api/v1/orgs/{own['node_id']}").status_code == 200
    users = client.get(f"/api/v1/users/{own['user_id']}")
    assert users.status_code == 200 and users.get_json()["username"] == matrix.own.marker
    assert matrix.own.marker in client.get("/api/v1/users").get_data(as_text=True)


def test_own_tenant_resident_records_are_reachable(matrix, client, login_as):
    login_as("community_admin", matrix.own.path)
    own = matrix.own.records["resident_info"]
    resident = client.get(f"/api/v1/resident_info/residents/{own['resident_id']}")
    assert resident.status_code == 200 and resident.get_json()["name"] == matrix.own.marker
    assert client.get(f"/api/v1/resident_info/households/{own['household_id']}").status_code == 200
    assert client.get(f"/api/v1/resident_info/imports/{own['job_id']}").status_code == 200


# ---------------------------------------------------------------- the matrix refuses to prove nothing


@pytest.fixture
def fx_records(plugged):
    """An app with the fixture plugin fx_records (one route, ``<record_id>``) on at the county."""

    def build(**kwargs):
        app = plugged("fx_records", **{"enabled_at": "c1", **kwargs})
        state_of(app).host.get("fx_records").module.records.create(engine_of(app))
        return app

    return build


def test_a_plugin_route_that_forgets_its_scope_check_is_caught(fx_records, cross_tenant_matrix):
    app = fx_records(FX_RECORDS_SKIP_SCOPE=True)
    matrix = cross_tenant_matrix(app, plugins=["fx_records"])
    problems = matrix.problems("community_admin")
    for tenant in matrix.foreign:
        assert any(f"({tenant.path}) shows ['{tenant.marker}', '{tenant.path}']" in problem for problem in problems)
        assert any(f"({tenant.path}) → 200, expected 404" in problem for problem in problems)


def test_a_url_variable_no_plugin_fills_fails_naming_the_hook(fx_records, cross_tenant_matrix):
    matrix = cross_tenant_matrix(fx_records(), plugins=["fx_records"])
    matrix.foreign[0].records["fx_records"] = {}  # as if the plugin did not implement the hook
    with pytest.raises(pytest.fail.Exception, match=r"cannot fill <record_id> .*fx_records's gridwork_sample_records"):
        matrix.problems("community_admin")


def test_a_plugin_switched_off_in_a_tenant_is_refused_not_walked(fx_records, cross_tenant_matrix):
    app = fx_records(enabled_at="c1/s1")  # on for m1 and m12, off for the cousin m2
    with pytest.raises(pytest.fail.Exception, match="fx_records is off at c1/s2/m2"):
        cross_tenant_matrix(app, plugins=["fx_records"])
    assert cross_tenant_matrix(app, plugins=["fx_records"], enable_at="c1").problems("street_admin") == []


def test_a_matrix_over_no_routes_fails(fx_records, cross_tenant_matrix):
    matrix = cross_tenant_matrix(fx_records(), plugins=["not_installed"])
    with pytest.raises(pytest.fail.Exception, match="found no routes"):
        matrix.routes()
