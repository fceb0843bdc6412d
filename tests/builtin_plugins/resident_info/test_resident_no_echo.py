"""Answers that never repeat what was sent (outside probe, issue 9 §4–5): an ID number typed
into the tag field, into 性别 or into 网格 of an import row, is named by its field and never
shown back — not in problem+json, not in an import report a street admin may download."""

import pytest

from plugins.resident_info.importing.rows import _choice

RESIDENTS = "/api/v1/resident_info/residents"
AN_ID = "330127197505053217"


def test_an_id_number_sent_as_a_tag_is_not_echoed(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    answer = client.post(
        RESIDENTS,
        json={
            "name": "王秀英",
            "birth_date": "1948-03-07",
            "gender": "female",
            "org_path": "c1/s1/m1/g1",
            "tags": [{"tag": AN_ID}],
        },
    )
    assert answer.status_code == 422 and answer.get_json()["pointer"] == "/tags/0/tag"
    assert AN_ID not in answer.get_data(as_text=True)


@pytest.mark.parametrize("field", ["gender", "status", "registration"])
def test_an_import_cell_that_is_no_known_choice_is_reported_without_its_value(field):
    with pytest.raises(ValueError) as refused:
        _choice(field, AN_ID)
    assert AN_ID not in str(refused.value) and "无法识别" in str(refused.value)


def test_a_reason_that_would_carry_a_cell_value_is_replaced_whatever_rule_wrote_it():
    """The promise is structural: even a future rule that puts the cell into its message
    cannot get it into the stored report."""
    from plugins.resident_info.importing.rows import CELL_NOT_ACCEPTED, RowReader

    reader = RowReader(["姓名", "性别"], {"姓名": "name", "性别": "gender"}, "c1/s1/m1", {}, {}, [])

    def careless(record, cell):
        raise ValueError(f"性别“{cell}”无法识别")

    reader.putters = [(1, "gender", careless)]
    clean, problems = reader.read(2, ["王芳", AN_ID])
    assert clean is None and [problem["reason"] for problem in problems] == [CELL_NOT_ACCEPTED]
    assert problems[0]["column"] == "性别"


def test_a_reason_in_the_reasons_own_words_is_kept():
    from plugins.resident_info.importing.rows import RowReader

    reader = RowReader(["姓名", "性别"], {"姓名": "name", "性别": "gender"}, "c1/s1/m1", {}, {}, [])
    _clean, problems = reader.read(2, ["王芳", "未知"])
    assert problems and "无法识别" in problems[0]["reason"] and "男" in problems[0]["reason"]
