"""Hypothesis strategies that draw data from the JSON Schema subset forms use.

hypothesis-jsonschema 0.23.1 (its latest release) fails on the Hypothesis this project
pins (6.170: ``'many' object has no attribute 'more'`` — it uses Hypothesis internals), so
this small walker draws the records instead: objects (required keys always, optional ones
sometimes), strings by pattern, ``format`` (date, email) or length, bounded integers and
numbers, booleans, enums, arrays and ``anyOf``.
"""

from hypothesis import strategies as st

_FORMATS = {
    "date": st.dates().map(lambda day: day.isoformat()),
    "email": st.emails(),
}


def records(schema):
    """A strategy drawing instances of ``schema``."""
    if "anyOf" in schema:
        return st.one_of([records(option) for option in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type", "string")
    return _BY_TYPE[kind](schema)


def _object(schema):
    required = set(schema.get("required", ()))
    strategies = {name: records(spec) for name, spec in schema["properties"].items()}
    needed = {name: strategy for name, strategy in strategies.items() if name in required}
    optional = {name: strategy for name, strategy in strategies.items() if name not in required}
    drawn = st.fixed_dictionaries(needed, optional=optional)
    least = schema.get("minProperties", 0)
    return drawn.filter(lambda record: len(record) >= least)


def _string(schema):
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    if "format" in schema:
        return _FORMATS[schema["format"]]
    # What a person types: no control characters, no spaces around it (read_form trims).
    text = st.text(_TYPED, min_size=schema.get("minLength", 0), max_size=schema.get("maxLength", 20))
    return text.filter(lambda value: value == value.strip())


_TYPED = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))


def _integer(schema):
    return st.integers(schema.get("minimum", -(10**6)), schema.get("maximum", 10**6))


def _number(schema):
    low, high = schema.get("minimum", -(10**6)), schema.get("maximum", 10**6)
    if "exclusiveMinimum" in schema:
        low = schema["exclusiveMinimum"]
    floats = st.floats(low, high, allow_nan=False, exclude_min="exclusiveMinimum" in schema)
    return st.one_of(floats, st.integers(int(low) + 1, int(high)))


def _array(schema):
    return st.lists(
        records(schema.get("items", {})),
        min_size=schema.get("minItems", 0),
        max_size=schema.get("maxItems", 4),
        unique=bool(schema.get("uniqueItems")),
    )


_BY_TYPE = {
    "object": _object,
    "string": _string,
    "integer": _integer,
    "number": _number,
    "boolean": lambda _schema: st.booleans(),
    "array": _array,
}
