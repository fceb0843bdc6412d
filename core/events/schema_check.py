"""A fast yes/no check for the plain subset of JSON Schema that event payloads use.

jsonschema costs about 40 µs for a small payload even with a pre-built validator — more
than writing the event. This compiles a schema into nested closures once, at registration.
Also used by plugins for records (``core.public.compile_schema_check``).
It only answers "valid?"; a "no" is handed to jsonschema for the Chinese message and
pointer, and a schema using anything outside the subset gets ``None`` (jsonschema is used
for it). tests/core/test_events_schema_check.py compares the two on generated payloads.

Semantics follow jsonschema's Draft 2020-12: booleans are not numbers, 1.0 is an integer,
``pattern`` uses ``re.search``, length keywords count code points.
"""

import numbers
import re

ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly"}
)
_TYPES = {
    "null": lambda x: x is None,
    "boolean": lambda x: isinstance(x, bool),
    "integer": lambda x: (isinstance(x, int) and not isinstance(x, bool)) or (isinstance(x, float) and x.is_integer()),
    "number": lambda x: isinstance(x, numbers.Number) and not isinstance(x, bool),
    "string": lambda x: isinstance(x, str),
    "array": lambda x: isinstance(x, list),
    "object": lambda x: isinstance(x, dict),
}


class Unsupported(Exception):
    """The schema uses a keyword this checker does not implement."""


def compile_schema_check(schema):
    """A function ``payload -> bool``, or ``None`` when the schema is outside the subset."""
    try:
        return _compile(schema)
    except Unsupported:
        return None


def _compile(schema):
    if schema is True:
        return lambda x: True
    if schema is False:
        return lambda x: False
    if not isinstance(schema, dict):
        raise Unsupported(schema)
    checks = []
    for keyword, value in schema.items():
        if keyword in ANNOTATIONS or keyword.startswith("x-"):  # x-…: our UI hints, ignored by validators
            continue
        builder = _BUILDERS.get(keyword)
        if builder is None:
            raise Unsupported(keyword)
        built = builder(value, schema)
        if built is not None:
            checks.append(built)
    if not checks:
        return lambda x: True
    if len(checks) == 1:
        return checks[0]
    return _all_of(tuple(checks))


def _all_of(checks):
    # Plain loops: a generator inside all() costs more than the checks themselves.
    def check_all(x):
        for check in checks:
            if not check(x):
                return False
        return True

    return check_all


def _type(value, _schema):
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(name in _TYPES for name in names):
        raise Unsupported("type")
    tests = tuple(_TYPES[name] for name in names)
    if len(tests) == 1:
        return tests[0]
    if all(name in _PLAIN_CLASSES for name in names):  # e.g. ["string", "null"]: one isinstance
        classes = tuple(_PLAIN_CLASSES[name] for name in names)
        return lambda x: isinstance(x, classes)

    def check_any(x):
        for test in tests:
            if test(x):
                return True
        return False

    return check_any


# Types whose test is a plain isinstance (integer and number are not: booleans are excluded).
_PLAIN_CLASSES = {"null": type(None), "boolean": bool, "string": str, "array": list, "object": dict}


def _strings_only(values):
    if not all(isinstance(value, str) or value is None for value in values):
        raise Unsupported("enum of non-strings")  # jsonschema's equality rules (1 vs True vs 1.0)
    return frozenset(values)


def _enum(value, _schema):
    allowed = _strings_only(value)
    if None in allowed:  # null equals only null: no equality subtleties
        return lambda x: x is None or (isinstance(x, str) and x in allowed)
    return lambda x: isinstance(x, str) and x in allowed


def _const(value, _schema):
    allowed = _strings_only([value])
    return lambda x: isinstance(x, str) and x in allowed


def _number_rule(test):
    def build(value, _schema):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise Unsupported("numeric bound")
        return lambda x: not _TYPES["number"](x) or test(x, value)

    return build


def _array_rule(test):
    return lambda value, _schema: lambda x: not isinstance(x, list) or test(x, value)


def _pattern(value, _schema):
    compiled = re.compile(value)
    return lambda x: not isinstance(x, str) or compiled.search(x) is not None


def _required(value, _schema):
    names = tuple(value)

    def check_required(x):
        if isinstance(x, dict):
            for name in names:
                if name not in x:
                    return False
        return True

    return check_required


def _properties(value, _schema):
    checks = tuple((name, _compile(subschema)) for name, subschema in value.items())

    def check_properties(x):
        if isinstance(x, dict):
            for name, check in checks:
                if name in x and not check(x[name]):
                    return False
        return True

    return check_properties


def _additional(value, schema):
    if "patternProperties" in schema:
        raise Unsupported("patternProperties")
    known = frozenset(schema.get("properties", {}))
    check = _compile(value)

    def check_additional(x):
        if isinstance(x, dict):
            for key in x.keys() - known:
                if not check(x[key]):
                    return False
        return True

    return check_additional


def _items(value, schema):
    if "prefixItems" in schema:
        raise Unsupported("prefixItems")
    check = _compile(value)
    return lambda x: not isinstance(x, list) or all(check(item) for item in x)


_BUILDERS = {
    "type": _type,
    "enum": _enum,
    "const": _const,
    "minLength": lambda n, _schema: lambda x: not isinstance(x, str) or len(x) >= n,
    "maxLength": lambda n, _schema: lambda x: not isinstance(x, str) or len(x) <= n,
    "pattern": _pattern,
    "minimum": _number_rule(lambda x, n: x >= n),
    "maximum": _number_rule(lambda x, n: x <= n),
    "exclusiveMinimum": _number_rule(lambda x, n: x > n),
    "exclusiveMaximum": _number_rule(lambda x, n: x < n),
    "minItems": _array_rule(lambda x, n: len(x) >= n),
    "maxItems": _array_rule(lambda x, n: len(x) <= n),
    "required": _required,
    "properties": _properties,
    "additionalProperties": _additional,
    "items": _items,
}
