"""Refuse text no person types: NUL, other control characters and lone surrogates.

PostgreSQL rejects NUL in text (a 500 if it got that far) and a lone surrogate cannot be
encoded at all; nothing legitimate contains them. Checked once for every request — query
string, form fields and JSON body — so no view has to remember.
"""

import re

from flask import request

from core.api.errors import ApiError

# C0 controls except tab, newline, carriage return; DEL; lone UTF-16 surrogates.
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Deeper than any document Gridwork reads (a scenario export nests about 8); Python's JSON
# parser and every recursive walk after it would hit the recursion limit near 1,000.
MAX_JSON_DEPTH = 64
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")


def refuse_unsafe_text():
    for name, value in list(request.args.items(multi=True)) + list(request.form.items(multi=True)):
        _check(value, f"/{name}")
    if request.is_json:
        raw = request.get_data(cache=True)
        refuse_deep_json(raw)
        body = request.get_json(silent=True)
        if body is not None and _may_hold_unsafe(raw):
            _walk(body, "")


def _may_hold_unsafe(raw):
    """Whether the parsed body can hold an unsafe character at all. Strict JSON refuses raw
    control characters and invalid UTF-8 (lone surrogates) at parsing, so the only ways in are
    a \\u escape and a raw DEL: a body with neither (most of them) needs no walk, which was a
    tenth of a scenario save's time. A NUL byte means UTF-16 or UTF-32 (which the JSON parser
    also reads, and where "\\u" is spelt in other bytes): walk those."""
    return b"\\u" in raw or b"\x7f" in raw or b"\x00" in raw


def _walk(value, pointer):
    if isinstance(value, str):
        _check(value, pointer or "/")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, pointer + "/" + str(key))
            _walk(item, f"{pointer}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{pointer}/{index}")


def _check(text, pointer):
    if isinstance(text, str) and _UNSAFE.search(text):
        raise ApiError(422, f"{pointer}：包含不允许的控制字符或无效字符", pointer=pointer)


def refuse_deep_json(raw):
    """400 before parsing when brackets nest deeper than MAX_JSON_DEPTH (strings skipped, so
    brackets inside text do not count). Regular expressions do the scanning at C speed."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub(b"", raw)):
        depth += 1 if bracket in (b"[", b"{") else -1
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            raise ApiError(400, f"请求体嵌套层级过深（最多 {MAX_JSON_DEPTH} 层）。")
