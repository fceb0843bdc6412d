"""Plain helpers for the scenario builder's tests (fixtures are in conftest.py)."""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "core" / "plugin_fixtures"
M1, M12 = "c1/s1/m1", "c1/s1/m12"


def notes(days=7, **more):
    return {"plugin": "fx_scenes", "block": "notes", "settings": {"days": days, **more}}


def document(*blocks, **more):
    return {"title": "高温关爱", "blocks": list(blocks) or [notes()], **more}


def create(client, doc=None, org_path=M1):
    response = client.post("/api/v1/scenarios", json={"org_path": org_path, "document": doc or document()})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]
