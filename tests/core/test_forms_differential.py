"""The form agrees with jsonschema: data put into a form, submitted as a browser submits it
and read back is accepted exactly when jsonschema accepts the data itself — and a valid
record comes back unchanged. Data is drawn by Hypothesis (tests/core/forms_strategies.py):
valid records from the form's schema, mostly invalid ones from a looser schema of the same
shape.

What a form cannot carry is left out of the loose schema, on purpose: a blank input means
"not given" (so no empty strings or empty groups), a choice outside the options cannot be
shown, and text is drawn without surrounding spaces (read_form trims what people type).
A ``time`` is left out too: a time input holds no zone, the deployment's is added back. A
required text field says ``minLength: 1``, as every form schema should: jsonschema's
``required`` alone accepts "", a form's blank input is "not filled in".
"""

import pytest
from forms_strategies import records
from forms_support import submitted
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from core.public import form_errors, read_form, render_form

MOODS = ["good", "fair", "poor", "unknown"]
STRICT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "mood", "size"],
    "properties": {
        "name": {"type": "string", "title": "姓名", "minLength": 2, "maxLength": 6},
        "code": {"type": "string", "title": "编号", "pattern": "^[A-Z][0-9]{2}$"},
        "born": {"type": "string", "title": "出生日期", "format": "date"},
        "mail": {"type": "string", "title": "邮箱", "format": "email"},
        "mood": {"enum": MOODS, "title": "状态"},
        "grade": {"enum": [1, 2, 3], "title": "等级"},
        "size": {"type": "integer", "title": "人数", "minimum": 1, "maximum": 9},
        "score": {"type": "number", "title": "得分", "exclusiveMinimum": 0, "maximum": 100},
        "alone": {"type": "boolean", "title": "独居"},
        "needs": {"type": "array", "title": "需求", "uniqueItems": True, "maxItems": 2, "items": {"enum": MOODS}},
        "phones": {
            "type": "array",
            "title": "电话",
            "maxItems": 2,
            "items": {"type": "string", "minLength": 1, "maxLength": 4},
        },
        "notes": {"type": "string", "title": "备注", "maxLength": 8, "x-widget": "textarea"},
        "home": {
            "type": "object",
            "title": "住址",
            "additionalProperties": False,
            "required": ["building"],
            "properties": {
                "building": {"type": "string", "title": "楼栋", "minLength": 1, "maxLength": 3},
                "room": {"type": "integer", "title": "房号", "minimum": 1},
            },
        },
    },
}
TEXT = {"type": "string", "pattern": "^[A-Za-z0-9张王李@.<&\"'-]{1,10}$"}
WHOLE = {"type": "integer", "minimum": -1000, "maximum": 1000}
LOOSE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": TEXT,
        "code": TEXT,
        "born": {"anyOf": [TEXT, {"type": "string", "format": "date"}]},
        "mail": TEXT,
        "mood": {"enum": MOODS},
        "grade": {"enum": [1, 2, 3]},
        "size": WHOLE,
        "score": {"anyOf": [WHOLE, {"type": "number", "minimum": -1000, "maximum": 1000}]},
        "alone": {"type": "boolean"},
        "needs": {"type": "array", "uniqueItems": True, "items": {"enum": MOODS}},
        "phones": {"type": "array", "maxItems": 4, "items": TEXT},
        "notes": TEXT,
        "home": {
            "type": "object",
            "additionalProperties": False,
            "minProperties": 1,
            "properties": {"building": TEXT, "room": WHOLE},
        },
    },
}
VALIDATOR = Draft202012Validator(STRICT, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _through_the_form(record):
    html = render_form(STRICT, record)
    return read_form(STRICT, submitted(html))


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=st.one_of(records(STRICT), records(LOOSE)))
def test_the_form_accepts_exactly_what_jsonschema_accepts(in_request, record):
    back = _through_the_form(record)
    assert (form_errors(STRICT, back) == {}) == VALIDATOR.is_valid(record), (record, back)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=records(STRICT))
@example(record={"name": "李娜", "mood": "good", "size": 1, "score": 0.0004987427457692207})  # 19 decimals
def test_a_valid_record_comes_back_from_the_form_unchanged(in_request, record):
    expected = {"alone": False, **record}  # an unticked box is an answer: False
    for name in ("needs", "phones", "name", "code", "mail", "notes"):  # blank means "not given"
        if expected.get(name) in ([], ""):
            del expected[name]
    if "needs" in expected:  # ticked boxes come back in the order of the options
        expected["needs"] = [mood for mood in MOODS if mood in expected["needs"]]
    assert _through_the_form(record) == expected
