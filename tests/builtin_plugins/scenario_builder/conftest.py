"""Fixtures for the scenario builder's tests: an app with scenario_builder and the test
plugin fx_scenes (blocks with an event, an action, a settings migration, and one that
fails) switched on in community c1/s1/m1.

The standard tree: county c1; streets c1/s1, c1/s2; communities c1/s1/m1, c1/s1/m12 (m1's
sibling, a prefix trap), c1/s2/m2; grids c1/s1/m1/g1, c1/s1/m12/g10, c1/s2/m2/g2.
"""

from pathlib import Path

import pytest

from core.testing import signed_in_client

FIXTURES = Path(__file__).resolve().parents[2] / "core" / "plugin_fixtures"
M1, M12 = "c1/s1/m1", "c1/s1/m12"


@pytest.fixture
def scenes_app(with_plugins, org_tree):
    return with_plugins("scenario_builder", "fx_scenes=fx_scenes.hooks", search_path=FIXTURES, enabled_at=[M1, M12])


@pytest.fixture
def admin(scenes_app, make_user):
    """A community admin of m1, signed in."""
    return signed_in_client(scenes_app, make_user("community_admin", M1))


def notes(days=7, **more):
    return {"plugin": "fx_scenes", "block": "notes", "settings": {"days": days, **more}}


def document(*blocks, **more):
    return {"title": "高温关爱", "blocks": list(blocks) or [notes()], **more}


def create(client, doc=None, org_path=M1):
    response = client.post("/api/v1/scenarios", json={"org_path": org_path, "document": doc or document()})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]
