"""The fast payload check (core/events/schema_check.py) must agree with jsonschema: for
every schema it accepts, on thousands of generated payloads, it says "valid" exactly when
jsonschema does. A schema outside its subset is left to jsonschema entirely."""

import random

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from core.events.schema_check import compile_schema_check

SCHEMAS = [
    {
        "type": "object",
        "properties": {
            "resident_id": {"type": "integer", "minimum": 1},
            "tag": {"type": "string", "minLength": 1, "maxLength": 4},
        },
        "required": ["resident_id", "tag"],
        "additionalProperties": False,
    },
    {
        "type": "object",
        "properties": {
            "phone": {"type": "string", "pattern": "^1[0-9]{10}$"},
            "kind": {"enum": ["独居", "低保", "残疾"]},
            "score": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
        },
    },
    {
        "type": "object",
        "properties": {
            "ids": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 3},
            "note": {"type": ["string", "null"]},
            "flag": {"type": "boolean"},
            "fixed": {"const": "yes"},
        },
        "additionalProperties": {"type": "string"},
        "required": ["ids"],
        "title": "annotations are ignored",
    },
    {
        "type": "object",
        "properties": {
            "nested": {
                "type": "object",
                "properties": {"n": {"type": "integer"}},
                "required": ["n"],
                "additionalProperties": False,
            },
            "anything": True,
            "nothing": False,
        },
    },
    {
        "type": "object",
        "properties": {
            "kind": {"enum": ["独居", "低保", None], "x-enum-titles": {"独居": "独居老人"}},
            "n": {"type": "integer", "x-order": 3},
        },
        "x-widget": "ui hints are ignored",
    },
    {},
]
EXAMPLES = [  # one valid payload per schema; half the generated payloads are mutations of it
    {"resident_id": 7, "tag": "独居"},
    {"phone": "13812345678", "kind": "低保", "score": 60},
    {"ids": [1, 2], "note": None, "flag": True, "fixed": "yes", "other": "text"},
    {"nested": {"n": 3}, "anything": [1, "x"]},
    {"kind": None, "n": 2},
    {},
]
UNSUPPORTED = [
    {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}},
    {"type": "object", "properties": {"n": {"enum": [1, True]}}},
    {"$ref": "#/$defs/x", "$defs": {"x": {"type": "integer"}}},
    {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    {"type": "object", "patternProperties": {"^x": {"type": "string"}}, "additionalProperties": False},
]
KEYS = [
    "resident_id",
    "tag",
    "phone",
    "kind",
    "score",
    "ids",
    "note",
    "flag",
    "fixed",
    "nested",
    "anything",
    "nothing",
    "n",
    "extra",
]
VALUES = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2,
    1.0,
    1.5,
    0.0,
    -0.5,
    100,
    100.0,
    101,
    10**20,
    float("inf"),
    "",
    "a",
    "独居",
    "低保",
    "yes",
    "no",
    "abcd",
    "abcde",
    "13812345678",
    "1381234567８",
    "23812345678",
    "1381234567",
    "x" * 5,
]


def random_value(rng, keys, depth=0):
    if depth < 2 and rng.random() < 0.25:
        if rng.random() < 0.5:
            return [
                rng.choice(VALUES[:14]) if rng.random() < 0.7 else random_value(rng, keys, depth + 1)
                for _ in range(rng.randint(0, 4))
            ]
        return random_payload(rng, keys, depth + 1)
    return rng.choice(VALUES)


def mutated(rng, example, keys):
    payload = {key: (list(value) if isinstance(value, list) else value) for key, value in example.items()}
    for _ in range(rng.randint(1, 2)):
        action, key = rng.random(), rng.choice(keys + ["extra"])
        if action < 0.6:
            payload[key] = random_value(rng, keys)
        elif action < 0.8:
            payload.pop(key, None)
        elif isinstance(payload.get(key), list):
            payload[key].append(rng.choice(VALUES))
    return payload


def random_payload(rng, keys, depth=0):
    """Mostly the schema's own keys (so valid payloads occur), sometimes a stranger."""
    chosen = [key for key in keys if rng.random() < 0.7] + (["extra"] if rng.random() < 0.2 else [])
    return {key: random_value(rng, keys, depth) for key in chosen}


@pytest.mark.parametrize("index", range(len(SCHEMAS)))
def test_the_fast_check_agrees_with_jsonschema_on_generated_payloads(index):
    schema = SCHEMAS[index]
    quick = compile_schema_check(schema)
    assert quick is not None
    reference = Draft202012Validator(schema, format_checker=FormatChecker())
    rng = random.Random(index)
    keys = list(schema.get("properties", {})) + ["n"] if schema else KEYS
    verdicts = set()
    for _ in range(4000):
        payload = random_payload(rng, keys) if rng.random() < 0.5 else mutated(rng, EXAMPLES[index], keys)
        expected = reference.is_valid(payload)
        assert quick(payload) is expected, (schema, payload)
        verdicts.add(expected)
    assert verdicts == {True, False} or schema == {}  # both answers were exercised


@pytest.mark.parametrize("schema", UNSUPPORTED)
def test_schemas_outside_the_subset_are_left_to_jsonschema(schema):
    assert compile_schema_check(schema) is None
