"""Fixtures for resident_info's tests, on top of Gridwork's own (``app``, ``client``,
``login_as``, ``org_tree`` …); plain helpers are in resident_helpers.py.

The standard tree: county c1; streets c1/s1, c1/s2; communities c1/s1/m1, c1/s1/m12 (m1's
sibling, a prefix trap), c1/s2/m2; grids c1/s1/m1/g1, c1/s1/m12/g10, c1/s2/m2/g2.
"""

import pytest
from resident_helpers import PLUGIN

from core.state import state_of


@pytest.fixture
def test_config(test_config):
    """Grants and plugin settings count at once (no policy-version polling interval)."""
    return {**test_config, "POLICY_CHECK_INTERVAL": 0}


@pytest.fixture
def enabled(app, org_tree):
    """resident_info switched on for the whole county c1."""
    from core.db import session_scope
    from core.plugin_system.enablement import set_state

    with app.app_context(), session_scope(app) as db:
        set_state(db, state_of(app).host, PLUGIN, "c1", "enabled", actor="test")
    return org_tree
