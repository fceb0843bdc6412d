"""Forms from JSON Schema, as a grid worker meets them: labelled fields with hints and phone
keyboards, what was typed kept after a refusal, the error in Chinese next to its field, and
a count of what is left to type when the form is pre-filled."""

import re

import pytest
from forms_support import GRIDS, VISIT, submitted

from core.public import (
    ApiError,
    fields_to_type,
    form_errors,
    has_photo,
    photo_uploads,
    read_form,
    render_form,
    validate_or_raise,
)

GOOD = {
    "visitor": "李娜",
    "visited_on": "2026-12-03",
    "at": "09:30",
    "phone": "13812345678",
    "mood": "fair",
    "household_size": "2",
    "temperature": "36.6",
    "needs_help": "true",
    "needs": ["meals", "medicine"],
    "contacts": ["王强", "", ""],
    "grid": "c1/s1/m1/g2",
    "notes": "独居，腿脚不便",
    "address.building": "3号楼",
    "address.room": "",
}


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield


def _blank_form():
    return render_form(VISIT, choices={"grid": GRIDS})


def test_every_field_has_a_label_a_hint_and_the_keyboard_a_phone_needs(in_request):
    html = str(_blank_form())
    assert '<label for="f-visitor">走访人<span class="form-required" aria-hidden="true"> *</span></label>' in html
    phone = r'<input id="f-phone" name="phone" value="" required autocomplete="tel" inputmode="tel" type="tel"'
    assert re.search(phone, html)
    assert 'inputmode="numeric"' in html and 'inputmode="decimal"' in html and 'type="date"' in html
    assert 'aria-describedby="f-notes-hint"' in html and 'id="f-notes-hint">写清楚发现的问题' in html
    assert 'placeholder="如：独居，腿脚不便"' in html
    assert 'type="radio" name="mood" value="fair"' in html and ">一般</label>" in html  # 3 options: radios
    assert 'type="checkbox" name="needs" value="medicine"' in html and "代购药品" in html
    assert 'accept="image/*" capture="environment"' in html and has_photo(VISIT)
    assert "<legend>住址</legend>" in html and 'name="address.building"' in html
    # the org-node picker shows names; the path is only the value sent back
    assert '<option value="c1/s1/m1/g2">东湖街道 › 幸福社区 › 第2网格</option>' in html
    assert "form-summary" not in html  # nothing to correct yet


def test_a_filled_in_form_reads_back_as_typed_values_and_is_accepted(in_request, clock):
    data = read_form(VISIT, submitted(_blank_form(), **GOOD))
    assert data == {
        "visitor": "李娜",
        "visited_on": "2026-12-03",
        "at": "09:30:00+08:00",  # a time input's 09:30, Beijing time, as JSON Schema's time
        "phone": "13812345678",
        "mood": "fair",
        "household_size": 2,
        "temperature": 36.6,
        "needs_help": True,
        "needs": ["meals", "medicine"],
        "contacts": ["王强"],
        "grid": "c1/s1/m1/g2",
        "notes": "独居，腿脚不便",
        "address": {"building": "3号楼"},
    }
    assert form_errors(VISIT, data) == {}


def test_an_unticked_box_is_false_and_blank_inputs_are_left_out_or_cleared(in_request):
    form = submitted(_blank_form(), visitor="李娜")
    assert read_form(VISIT, form)["needs_help"] is False
    assert "email" not in read_form(VISIT, form)
    assert read_form(VISIT, form, keep_blank=True)["email"] is None


def test_a_refused_form_keeps_what_was_typed_and_says_in_chinese_what_to_fix(in_request):
    typed = {
        **GOOD,
        "visitor": "",
        "phone": "1381234",
        "household_size": "两",
        "email": "li.example.com",
        "address.building": "",
        "address.room": "501",
    }
    data = read_form(VISIT, submitted(_blank_form(), **typed))
    errors = form_errors(VISIT, data)

    assert errors == {
        "visitor": "走访人：必须填写",
        "phone": "手机号为 11 位数字，以 1 开头。",  # the schema's own x-message
        "email": "电子邮箱：格式不正确，应为电子邮箱地址",
        "household_size": "同住人数：类型不正确，应为整数",
        "address.building": "楼栋：必须填写",
    }
    html = str(render_form(VISIT, data, errors, choices={"grid": GRIDS}))
    # nothing typed is lost
    assert 'value="1381234"' in html and 'value="两"' in html and 'value="li.example.com"' in html
    assert re.search(r'name="phone"[^>]*aria-describedby="f-phone-error" aria-invalid="true"', html)
    assert '<span class="form-error" id="f-phone-error">手机号为 11 位数字，以 1 开头。</span>' in html
    assert "有 5 处需要修改" in html and '<a href="#f-household_size">同住人数：类型不正确，应为整数</a>' in html
    assert '<option value="c1/s1/m1/g2" selected>' in html and 'value="medicine" checked' in html


def test_array_items_and_bounds_are_reported_on_their_field(in_request):
    typed = {**GOOD, "temperature": "50", "contacts": ["王强", "一个很长很长很长的名字"]}
    data = read_form(VISIT, submitted(_blank_form(), **typed))
    assert form_errors(VISIT, data) == {
        "temperature": "体温：不能大于 45",
        "contacts": "其他联系人第 2 项：长度不能超过 10 个字符",
    }


KEYWORD_CASES = [
    ({"type": "integer"}, "x"),
    ({"minLength": 3}, "ab"),
    ({"maxLength": 1}, "ab"),
    ({"pattern": "^[0-9]+$"}, "ab"),
    ({"enum": ["a", "b"], "x-enum-titles": {"a": "甲", "b": "乙"}}, "c"),
    ({"const": "a"}, "b"),
    ({"minimum": 5}, 1),
    ({"maximum": 5}, 9),
    ({"exclusiveMinimum": 5}, 5),
    ({"exclusiveMaximum": 5}, 5),
    ({"multipleOf": 5}, 7),
    ({"minItems": 2}, [1]),
    ({"maxItems": 1}, [1, 2]),
    ({"uniqueItems": True}, [1, 1]),
    ({"format": "date"}, "2026-13-01"),
    ({"format": "email"}, "no-at-sign"),
    ({"format": "time"}, "25:00:00+08:00"),
    ({"minProperties": 1}, {}),
    ({"not": {"type": "string"}}, "a"),
    ({"anyOf": [{"type": "integer"}, {"type": "boolean"}]}, "a"),
]


@pytest.mark.parametrize(("rule", "value"), KEYWORD_CASES, ids=[next(iter(rule)) for rule, _ in KEYWORD_CASES])
def test_every_keyword_is_explained_in_chinese_never_in_jsonschemas_english(rule, value):
    schema = {"type": "object", "properties": {"field": {"title": "某项", **rule}}}
    errors = form_errors(schema, {"field": value})
    message = errors["field"]
    assert message.startswith("某项：") and re.search(r"[\u4e00-\u9fff]", message.removeprefix("某项："))
    assert not re.search(r"[A-Za-z]{3,}", message) and "'" not in message, message


def test_the_api_answers_with_the_same_x_message(in_request):
    with pytest.raises(ApiError) as refused:
        validate_or_raise(VISIT, {"visitor": "李娜", "visited_on": "2026-12-03", "mood": "good", "phone": "110"})
    assert (refused.value.pointer, refused.value.detail) == ("/phone", "手机号为 11 位数字，以 1 开头。")


def test_fields_to_type_counts_what_a_prefill_leaves_to_the_user():
    assert fields_to_type(VISIT) == ["visitor", "visited_on", "phone", "mood"]
    known = {"visitor": "李娜", "phone": "13812345678"}
    assert fields_to_type(VISIT, known) == ["visited_on", "mood"]
    # a group's required field counts once the group itself is required
    address_required = {**VISIT, "required": [*VISIT["required"], "address"]}
    assert fields_to_type(address_required, known) == ["visited_on", "mood", "address.building"]
    assert fields_to_type(address_required, {**known, "address": {"building": "3号楼"}}) == ["visited_on", "mood"]
    assert "notes" in fields_to_type(VISIT, known, optional=True)
    assert "needs_help" not in fields_to_type(VISIT, known, optional=True)  # a box is never typed


def test_a_chosen_photo_is_handed_over_for_storing_and_never_read_as_text():
    from io import BytesIO

    from werkzeug.datastructures import FileStorage, MultiDict

    files = MultiDict({"photo": FileStorage(BytesIO(b"\xff\xd8"), filename="现场.jpg")})
    assert list(photo_uploads(VISIT, files)) == ["photo"]
    assert photo_uploads(VISIT, MultiDict({"photo": FileStorage(BytesIO(b""), filename="")})) == {}
    assert "photo" not in read_form(VISIT, MultiDict({"photo": "c:/fake.jpg"}))
