"""Validation with jsonschema → ``{input name: Chinese message}``, one message per field.

Validators are compiled once per schema object and cached: building one costs ~60× a
validation. ``format`` is checked, by Draft 2020-12's rules (jsonschema skips it unless
asked; a plain ``FormatChecker()`` checks ``time`` by Draft 3's, without a time zone).

Valid data is first asked of jsonschema-rs (the same Draft 2020-12 rules, formats checked,
about 100× faster: a 20-block scenario body costs 1.3 ms in jsonschema, 0.01 ms there).
Only its "valid" is trusted: anything it refuses or cannot read is checked again by
jsonschema, whose errors carry the paths and keywords the Chinese messages are made from,
so a rule the two read differently can only cost time, never let bad input through that
jsonschema alone would refuse — unless the Rust one is the more lenient of the two, which
``tests/core/test_forms_validate_fast.py`` keeps an eye on for the formats Gridwork uses.
"""

import jsonschema_rs
from jsonschema import Draft202012Validator

from core.forms.messages import custom_message, reason
from core.forms.spec import CACHE_LIMIT

_VALIDATORS = {}


def compiled(schema):
    """The cached Draft 2020-12 validator (with format checking) for ``schema``."""
    return _entry(schema)[1]


def surely_valid(schema, data):
    """True when jsonschema-rs finds ``data`` valid; False means "ask ``compiled``"."""
    fast = _entry(schema)[2]
    if fast is None:
        return False
    try:
        return fast.is_valid(data)
    except Exception:  # a value JSON has no type for (a date from a form): jsonschema decides
        return False


def _entry(schema):
    key = id(schema)
    entry = _VALIDATORS.get(key)
    if entry is None or entry[0] is not schema:
        if len(_VALIDATORS) >= CACHE_LIMIT:  # schemas built per request must not pile up
            _VALIDATORS.clear()
        checker = Draft202012Validator.FORMAT_CHECKER
        entry = (schema, Draft202012Validator(schema, format_checker=checker), _fast_validator(schema))
        _VALIDATORS[key] = entry
    return entry


def _fast_validator(schema):
    try:
        return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
    except Exception:  # a schema it cannot compile is checked by jsonschema alone
        return None


def form_errors(schema, data):
    """``{input name: message}`` for ``data`` (typed, as ``read_form`` returns it); empty
    when valid. The input name is the field's (``extra.workplace``; an array item's error
    goes to its array field); the message names the field by its title, in Chinese."""
    found = {}
    if surely_valid(schema, data):
        return found
    for error in compiled(schema).iter_errors(data):
        name, message = error_for_field(schema, error)
        found.setdefault(name, message)
    return found


def error_for_field(schema, error):
    """``(input name, message)`` for one jsonschema error."""
    path = list(error.absolute_path)
    if error.validator == "required":
        path.append(_missing_name(error))
    field_path, field_schema, item = _field_of(schema, path)
    name = ".".join(str(part) for part in field_path) or "_form"
    custom = custom_message(field_schema) or custom_message(error.schema)
    if custom:
        return name, custom
    title = field_schema.get("title") or (str(field_path[-1]) if field_path else "表单")
    where = f"第 {item + 1} 项" if item is not None else ""
    return name, f"{title}{where}：{reason(error)}"


def _missing_name(error):
    # jsonschema says "'name' is a required property"; the names are the schema's keys.
    missing = [key for key in error.validator_value if key not in (error.instance or {})]
    return missing[0] if missing else ""


def _field_of(schema, path):
    """The input path a data path belongs to (array items fold into their array field),
    that field's schema, and the first array index on the way (or None)."""
    field_path, current, item = [], schema, None
    for part in path:
        if isinstance(part, int):
            item = part if item is None else item
            current = current.get("items", {}) if isinstance(current.get("items"), dict) else {}
            continue
        if item is not None:  # a property inside an array item: the array field answers
            break
        current = current.get("properties", {}).get(part, {})
        if not isinstance(current, dict):
            current = {}
        field_path.append(part)
    return field_path, _schema_at(schema, field_path), item


def _schema_at(schema, field_path):
    current = schema
    for part in field_path:
        current = current.get("properties", {}).get(part, {})
        if not isinstance(current, dict):
            return {}
    return current
