"""Names measured as stored (outside probe, issue 9 §4): the register folds text with NFKC,
so its length limit applies after folding — 50 × U+FDFA passes a 50-character schema check
but is 900 characters once folded — and invisible or direction-changing characters are
refused in names and addresses."""

import pytest
from sqlalchemy import text

from core.db import engine_of

RESIDENTS = "/api/v1/resident_info/residents"


def stored_names(app):
    with engine_of(app).connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT name FROM resident_info_resident"))]


def person(**overrides):
    return {"name": "王秀英", "birth_date": "1948-03-07", "gender": "female", "org_path": "c1/s1/m1/g1", **overrides}


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "\ufdfa" * 50),
        ("name", "王\u202e秀英"),
        ("name", "王\u200b秀英"),
        ("building", "\ufdfa" * 20),
        ("room", "3\n01"),
    ],
)
def test_overlong_after_folding_or_invisible_text_is_refused_and_nothing_stored(
    app, client, login_as, enabled, field, value
):
    login_as("community_admin", "c1/s1/m1")
    answer = client.post(RESIDENTS, json=person(**{field: value}))
    assert answer.status_code == 422
    assert answer.get_json()["pointer"] == f"/{field}"
    assert value not in answer.get_data(as_text=True)
    assert stored_names(app) == []


def test_full_width_digits_are_still_folded(app, client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    answer = client.post(RESIDENTS, json=person(building="３号楼"))
    assert answer.status_code == 201 and answer.get_json()["building"] == "3号楼"
