"""Every special_visits route, as every role package, aimed at a sibling's and a cousin's
records: 404 (or 403), no foreign marker shown, no foreign row changed."""

import pytest

from core.testing import default_package_names


@pytest.mark.parametrize("package", default_package_names())
def test_no_route_of_special_visits_crosses_tenants(with_plugins, cross_tenant_matrix, package):
    app = with_plugins("resident_info", "special_visits", enabled_at="c1")
    cross_tenant_matrix(app, plugins=["special_visits"]).assert_no_leaks(package)
