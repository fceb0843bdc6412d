"""``validate_resident``: one record in, (clean record, errors) out — the pure function the
API, the pages and a bulk importer share. Errors name the field (a JSON pointer) and say
in Chinese what to fix; all of a record's problems come back at once."""

from datetime import date

from resident_helpers import make_id

from plugins.resident_info.register.validation import validate_resident

TODAY = date(2025, 6, 30)
EXTRA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["insured"],
    "properties": {
        "insured": {"type": "boolean", "title": "是否参保"},
        "income": {"type": "integer", "minimum": 0, "title": "月收入"},
    },
}


def check(extra_schema=None, county_tags=(), **record):
    data = {"name": "李建国", "org_path": "c1/s1/m1/g1", **record}
    return validate_resident(data, extra_schema, county_tags=county_tags, today=TODAY)


def only_error(errors):
    assert len(errors) == 1, errors
    return errors[0]["pointer"], errors[0]["detail"]


def test_a_good_record_comes_back_clean_with_birth_date_and_gender_from_the_id():
    clean, errors = check(id_number=make_id("19550802", "131").lower().replace("X", "x"), phone="13912345678")
    assert errors == []
    assert clean["gender"] == "male" and clean["birth_date"] == date(1955, 8, 2)
    assert clean["id_number"].isdigit() or clean["id_number"].endswith("X")
    assert clean["id_last4"] == clean["id_number"][-4:] and clean["county_path"] == "c1"
    assert clean["status"] == "living" and clean["registration"] == "registered" and clean["tags"] == []


def test_a_lower_case_check_x_is_stored_upper_case():
    value = "11010519491231002x"
    clean, errors = check(id_number=value)
    assert errors == [] and clean["id_number"] == "11010519491231002X" and clean["id_last4"] == "002X"


def test_a_gender_that_contradicts_the_id_is_refused():
    assert only_error(check(id_number=make_id(sequence="124"), gender="male")[1]) == (
        "/gender",
        "性别与身份证号不一致（身份证号第 17 位表示女）。",
    )


def test_a_birth_date_that_contradicts_the_id_is_refused():
    assert only_error(check(id_number=make_id("19900307"), birth_date="1990-03-08")[1]) == (
        "/birth_date",
        "出生日期与身份证号第 7–14 位不一致。",
    )


def test_without_an_id_gender_and_birth_date_are_required():
    clean, errors = check()
    assert clean is None
    assert sorted(error["pointer"] for error in errors) == ["/birth_date", "/gender"]
    clean, errors = check(gender="female", birth_date="2015-06-01")
    assert errors == [] and clean["id_number"] is None and clean["id_last4"] is None


def test_a_birth_date_must_be_an_ascii_calendar_date_not_in_the_future():
    assert only_error(check(gender="male", birth_date="２０１５-０６-０１")[1])[0] == "/birth_date"
    assert only_error(check(gender="male", birth_date="2015/06/01")[1])[1].startswith("出生日期格式不正确")
    assert only_error(check(gender="male", birth_date="2030-01-01")[1])[1] == "出生日期不能晚于今天。"


def test_every_problem_of_a_record_is_reported_at_once_with_its_field():
    clean, errors = check(name=" ", id_number="１１０", phone="12345", status="moved_out", unknown="x")
    assert clean is None
    assert {error["pointer"] for error in errors} >= {"/name", "/id_number", "/phone", "/unknown"}
    assert all(error["detail"] for error in errors)


def test_wrong_types_name_the_field_in_chinese():
    assert only_error(check(name=123, gender="male", birth_date="2000-01-01")[1]) == (
        "/name",
        "姓名：类型不正确，应为文字",
    )
    assert only_error(check(status="away", gender="male", birth_date="2000-01-01")[1]) == (
        "/status",
        "状态：取值必须是以下之一：在住、迁出、死亡",  # the schema's option titles, never its codes
    )


def test_moving_out_needs_a_date_that_is_not_in_the_future():
    base = {"gender": "male", "birth_date": "2000-01-01", "status": "moved_out"}
    assert only_error(check(**base)[1]) == ("/status_date", "迁出或死亡时，请填写日期。")
    assert only_error(check(**base, status_date="2030-01-01")[1])[1] == "状态日期不能晚于今天。"
    assert check(**base, status_date="2025-01-01")[0]["status_date"] == date(2025, 1, 1)


def test_tags_must_be_known_once_each_and_disability_needs_a_level():
    base = {"gender": "male", "birth_date": "1940-01-01"}
    assert only_error(check(**base, tags=[{"tag": "爱好钓鱼"}])[1])[0] == "/tags/0/tag"
    assert only_error(check(**base, tags=[{"tag": "低保"}, {"tag": "低保"}])[1]) == (
        "/tags/1/tag",
        "标签“低保”重复了。",
    )
    assert only_error(check(**base, tags=[{"tag": "残疾"}])[1]) == (
        "/tags/0/level",
        "标签“残疾”需要填写等级（1–4 级）。",
    )
    clean, errors = check(**base, tags=[{"tag": "残疾", "level": 2}, {"tag": "独居老人"}])
    assert errors == [] and clean["tags"] == [{"tag": "残疾", "level": 2, "sensitive": True}, {"tag": "独居老人"}]


def test_a_county_tag_may_be_marked_sensitive():
    clean, errors = check(
        gender="male",
        birth_date="1940-01-01",
        tags=[{"tag": "慢性病"}, {"tag": "网格志愿者"}],
        county_tags=[{"tag": "慢性病", "sensitive": True}, {"tag": "网格志愿者"}],
    )
    assert errors == [] and clean["tags"] == [{"tag": "慢性病", "sensitive": True}, {"tag": "网格志愿者"}]


def test_extra_fields_follow_the_countys_schema():
    base = {"gender": "male", "birth_date": "1940-01-01"}
    assert only_error(check(EXTRA, **base, extra={})[1]) == ("/extra/insured", "是否参保：必须填写")
    assert only_error(check(EXTRA, **base, extra={"insured": True, "income": -1})[1]) == (
        "/extra/income",
        "月收入：不能小于 0",
    )
    assert only_error(check(EXTRA, **base, extra={"insured": True, "pet": "猫"})[1]) == (
        "/extra/pet",
        "本县没有定义这个附加字段。",
    )
    assert only_error(check(None, **base, extra={"pet": "猫"})[1])[0] == "/extra/pet"
    assert check(EXTRA, **base, extra={"insured": False})[0]["extra"] == {"insured": False}


def test_address_text_is_trimmed_and_folded_so_full_width_building_numbers_match():
    clean, _ = check(gender="male", birth_date="1940-01-01", building=" ３号楼 ", unit="", room=None)
    assert clean["building"] == "3号楼" and clean["unit"] is None and clean["room"] is None


def test_a_relation_to_the_head_needs_a_household():
    assert only_error(check(gender="male", birth_date="1940-01-01", relation_to_head="spouse")[1])[0] == "/household_id"


def test_the_fast_record_check_agrees_with_jsonschema():
    """validate_resident asks jsonschema only when the compiled check says no: the two must
    agree on records good and bad, or a bad record would slip through."""
    import random

    from jsonschema import Draft202012Validator

    from core.public import compile_schema_check
    from plugins.resident_info.register.validation import RESIDENT_SCHEMA

    quick, reference = compile_schema_check(RESIDENT_SCHEMA), Draft202012Validator(RESIDENT_SCHEMA)
    assert quick is not None
    rng = random.Random(4)
    values = [
        None,
        "",
        "x" * 51,
        "王",
        3,
        3.5,
        True,
        [],
        {},
        "male",
        "moved_out",
        "floating",
        "head",
        [{"tag": "低保"}],
        [{"tag": "残疾", "level": 5}],
        [{"tag": ""}],
        [{"tag": "a", "x": 1}],
        {"k": 1},
    ]
    verdicts = set()
    for _ in range(3000):
        record = {"name": "王秀英", "org_path": "c1/s1/m1/g1"}
        for _change in range(rng.randint(0, 2)):
            record[rng.choice([*RESIDENT_SCHEMA["properties"], "unknown"])] = rng.choice(values)
        if rng.random() < 0.1:
            record.pop(rng.choice(["name", "org_path"]))
        verdicts.add(reference.is_valid(record))
        assert quick(record) is reference.is_valid(record), record
    assert verdicts == {True, False}
