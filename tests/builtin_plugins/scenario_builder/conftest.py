"""Fixtures for the scenario builder's tests: an app with scenario_builder and the test
plugin fx_scenes (blocks with an event, an action, a settings migration, and one that
fails) switched on in community c1/s1/m1.

The standard tree: county c1; streets c1/s1, c1/s2; communities c1/s1/m1, c1/s1/m12 (m1's
sibling, a prefix trap), c1/s2/m2; grids c1/s1/m1/g1, c1/s1/m12/g10, c1/s2/m2/g2.
"""

import pytest
from scenario_helpers import FIXTURES, M1, M12

from core.testing import signed_in_client


@pytest.fixture
def scenes_app(with_plugins, org_tree):
    return with_plugins("scenario_builder", "fx_scenes=fx_scenes.hooks", search_path=FIXTURES, enabled_at=[M1, M12])


@pytest.fixture
def admin(scenes_app, make_user):
    """A community admin of m1, signed in."""
    return signed_in_client(scenes_app, make_user("community_admin", M1))
