"""Fixtures for waste_sorting's tests, on top of Gridwork's own (``app``, ``client``,
``login_as``, ``org_tree``, ``clock`` …); plain helpers are in waste_helpers.py."""

import pytest

from core.state import state_of


@pytest.fixture
def test_config(test_config):
    """Grants and plugin settings count at once (no policy-version polling interval)."""
    return {**test_config, "POLICY_CHECK_INTERVAL": 0}


@pytest.fixture
def enabled(app, org_tree):
    """waste_sorting and resident_info switched on for the whole county c1."""
    from core.db import session_scope
    from core.plugin_system.enablement import set_state

    with app.app_context(), session_scope(app) as db:
        for plugin in ("waste_sorting", "resident_info"):
            set_state(db, state_of(app).host, plugin, "c1", "enabled", actor="test")
    return org_tree
