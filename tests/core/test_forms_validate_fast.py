"""The fast path (jsonschema-rs) never lets through what jsonschema refuses: its "valid" is
the only answer trusted, so where the two libraries read a rule differently it must be the
stricter one. Checked for the formats and patterns Gridwork's schemas use, with near-miss
values drawn by Hypothesis around the valid shapes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from core.api.errors import ApiError
from core.api.validation import validate_or_raise
from core.forms.validate import surely_valid

CHECKER = Draft202012Validator.FORMAT_CHECKER
SCHEMAS = {
    "date": {"type": "string", "format": "date"},
    "date-time": {"type": "string", "format": "date-time"},
    "time": {"type": "string", "format": "time"},
    "email": {"type": "string", "format": "email"},
    "pattern": {"type": "string", "pattern": r"^1\d{10}$"},
    "length": {"type": "string", "minLength": 2, "maxLength": 4},
}
PIECES = ["2026", "-", "02", "12", "30", "31", "T", "t", " ", ":", "22", "60", "Z", "+08:00", ".5", "@", "a", "x.cn"]
PIECES += ["1", "3", "٣", "０", "é", "\U0001f600", "00000000000"]


def _agree(schema, value):
    if surely_valid(schema, value):
        assert Draft202012Validator(schema, format_checker=CHECKER).is_valid(value), (schema, value)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(SCHEMAS)), pieces=st.lists(st.sampled_from(PIECES), max_size=8))
def test_a_value_the_fast_path_accepts_is_one_jsonschema_accepts(name, pieces):
    _agree(SCHEMAS[name], "".join(pieces))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("date", "2026-02-30"),
        ("date", "2026-2-3"),
        ("date-time", "2026-12-02 22:22"),
        ("date-time", "2026-12-02T22:22:00"),
        ("time", "22:22:00"),
        ("email", "no-at-sign"),
    ],
)
def test_near_misses_are_refused_with_the_field_named(name, value):
    with pytest.raises(ApiError) as refused:
        validate_or_raise({"type": "object", "properties": {"v": SCHEMAS[name]}}, {"v": value})
    assert refused.value.errors[0]["pointer"] == "/v"


def test_valid_data_passes_and_a_value_json_cannot_hold_is_left_to_jsonschema():
    schema = {"type": "object", "properties": {"born": SCHEMAS["date"]}}
    assert validate_or_raise(schema, {"born": "2026-12-02"}) == {"born": "2026-12-02"}
    assert surely_valid(schema, {"born": object()}) is False
