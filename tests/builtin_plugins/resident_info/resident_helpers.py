"""Plain helpers for resident_info's tests (the fixtures are in conftest.py): the API's
addresses, valid ID numbers, a resident the register accepts, and what was published and
audited. Test modules import them by name (``from resident_helpers import register``)."""

from core.db import session_scope
from core.testing import json_value, published_events, rows

PLUGIN = "resident_info"
API = "/api/v1/resident_info"
RESIDENTS = f"{API}/residents"
GRID = "c1/s1/m1/g1"
# GB 11643 / ISO 7064 MOD 11-2, written out here rather than taken from the plugin, so the
# tests check the plugin's own implementation against an independent one.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"


def make_id(birth="19900307", sequence="123", region="110105"):
    """A valid resident ID number (the check character computed, never hard-coded)."""
    first17 = f"{region}{birth}{sequence}"
    return first17 + ID_CHECK_CHARACTERS[sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS)) % 11]


def masked_id(id_number):
    """How a reader without the full view sees ``id_number``: its last two characters."""
    return "*" * 16 + id_number[-2:]


def person(**overrides):
    """A resident record the register accepts."""
    return {
        "name": "王秀英",
        "id_number": make_id(),
        "phone": "13812345678",
        "org_path": GRID,
        "building": "3号楼",
        "unit": "2单元",
        "room": "301",
        **overrides,
    }


def register(client, **overrides):
    response = client.post(RESIDENTS, json=person(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def events_of(app, name):
    """Payloads of the published events of one type, oldest first."""
    return [event["payload"] for event in published_events(app, f"{PLUGIN}.{name}")]


def audit_of(app, action):
    found = rows(
        app, "SELECT actor, target, detail FROM core_audit_entry WHERE action = :action ORDER BY seq", action=action
    )
    return [(actor, target, json_value(detail)) for actor, target, detail in found]


def package_with(app, name, *actions):
    """A role package holding these resident_info permissions (e.g. export without read_sensitive)."""
    from core.permissions.models import RolePackage
    from core.permissions.store import set_package_permissions

    with app.app_context(), session_scope(app) as db:
        db.add(RolePackage(name=name, title_zh=name))
        db.flush()
        set_package_permissions(db, name, {f"{PLUGIN}.{action}" for action in actions})
    return name
