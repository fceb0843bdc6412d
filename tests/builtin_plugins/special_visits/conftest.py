"""Fixtures for special_visits' tests, on top of Gridwork's own (``app``, ``with_plugins``,
``sign_in``, ``clock``, ``org_tree`` …); plain helpers are in visits_helpers.py.

The standard tree: county c1; streets c1/s1, c1/s2; communities c1/s1/m1, c1/s1/m12, c1/s2/m2;
grids c1/s1/m1/g1, c1/s1/m12/g10, c1/s2/m2/g2."""

import pytest
from visits_helpers import enable_visits


@pytest.fixture
def test_config(test_config):
    return {**test_config, "POLICY_CHECK_INTERVAL": 0}


@pytest.fixture
def visits(with_plugins, org_tree):
    """An app with resident_info and special_visits on for the county c1, the five default
    groups seeded there (as enabling at a county does)."""
    app = with_plugins("resident_info", "special_visits", enabled_at="c1")
    enable_visits(app)
    return app
