"""The key a phone gives a record it may resend: accepted as sent, absent is None, malformed is
refused naming the field without echoing what was sent."""

import pytest
from werkzeug.datastructures import MultiDict

from core.public import ApiError, client_key_of


def test_a_key_from_the_phone_or_a_uuid_is_taken_as_sent():
    for key in ("9f2c4be01a7d4c3e8b5a6d7e8f901234", "123e4567-e89b-12d3-a456-426614174000"):
        assert client_key_of(MultiDict({"client_key": key})) == key


def test_no_key_means_an_ordinary_post():
    assert client_key_of(MultiDict()) is None
    assert client_key_of(MultiDict({"client_key": "  "})) is None


@pytest.mark.parametrize("sent", ["short", "x" * 65, "<script>alert(1)</script>", "键键键键键键键键"])
def test_a_malformed_key_is_refused_naming_the_field(sent):
    with pytest.raises(ApiError) as refused:
        client_key_of(MultiDict({"client_key": sent}))
    assert refused.value.status == 422 and refused.value.pointer == "/client_key"
    assert "client_key" in refused.value.detail and sent not in refused.value.detail
