"""Fixtures for resident_info's tests, on top of Gridwork's own (``app``, ``client``,
``login_as``, ``org_tree`` …).

The standard tree: county c1; streets c1/s1, c1/s2; communities c1/s1/m1, c1/s1/m12 (m1's
sibling, a prefix trap), c1/s2/m2; grids c1/s1/m1/g1, c1/s1/m12/g10, c1/s2/m2/g2.
"""
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

# This folder's parent, tests/plugins/, sits on sys.path's "tests" entry (pytest puts it
# there for tests/conftest.py) and would pass for a namespace package called "plugins",
# hiding the real one that the editable install maps. The project root goes first, so
# `plugins.resident_info` is the real package. (Running `python -m pytest` does the same.)
ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
_cached = sys.modules.get("plugins")
if _cached is not None and getattr(_cached, "__file__", None) is None:
    for _name in [name for name in sys.modules if name == "plugins" or name.startswith("plugins.")]:
        del sys.modules[_name]

from plugins.resident_info.ids import check_character  # noqa: E402  (after the path fix above)

PLUGIN = "resident_info"
API = "/api/v1/resident_info"
RESIDENTS = f"{API}/residents"
GRID = "c1/s1/m1/g1"


@pytest.fixture
def test_config(test_config):
    """Grants and plugin settings count at once (no policy-version polling interval)."""
    return {**test_config, "POLICY_CHECK_INTERVAL": 0}


@pytest.fixture
def enabled(app, org_tree):
    """resident_info switched on for the whole county c1."""
    from core.db import session_scope
    from core.plugin_system.service import set_state

    with app.app_context(), session_scope(app) as db:
        set_state(db, app.extensions["gridwork.plugins"], PLUGIN, "c1", "enabled", actor="test")
    return org_tree


def make_id(birth="19900307", sequence="123", region="110105"):
    """A valid resident ID number (the check character computed, never hard-coded)."""
    first17 = f"{region}{birth}{sequence}"
    return first17 + check_character(first17)


def person(**overrides):
    """A resident record the register accepts."""
    return {"name": "王秀英", "id_number": make_id(), "phone": "13812345678", "org_path": GRID,
            "building": "3号楼", "unit": "2单元", "room": "301", **overrides}


def register(client, **overrides):
    response = client.post(RESIDENTS, json=person(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def rows(app, sql, **params):
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        return conn.execute(text(sql), params).all()


def events_of(app, name):
    """Payloads of the published events of one type, oldest first."""
    found = rows(app, "SELECT payload FROM core_event WHERE type = :type ORDER BY occurred_at, id",
                 type=f"{PLUGIN}.{name}")
    return [payload if isinstance(payload, dict) else json.loads(payload) for (payload,) in found]


def audit_of(app, action):
    found = rows(app, "SELECT actor, target, detail FROM core_audit_entry WHERE action = :action ORDER BY seq",
                 action=action)
    return [(actor, target, detail if isinstance(detail, dict) else json.loads(detail))
            for actor, target, detail in found]
