"""Forms generated from the JSON Schemas — the register's (``schemas/resident.json``) and
the county's extra fields — with their UI hints (``x-order``, ``x-widget``, ``description``
as help text), and the way back from submitted form fields to a record dict, which the
same ``validate_resident`` then checks as any API body."""

import re

from plugins.resident_info.register.present import HIDDEN_DATE, masked
from plugins.resident_info.register.validation import BUILTIN_TAGS, FIELDS, HEALTH_TAGS, TAGS_NEEDING_LEVEL

ALWAYS_SHOWN = ("name", "id_number", "gender", "birth_date", "org_path")
# When editing these start empty (the current value masked as the placeholder) and empty
# means "keep": a full value, or the birth date the ID's mask hides, never reaches the page.
SENSITIVE_INPUTS = ("id_number", "phone", "birth_date")
EXTRA_PREFIX = "extra."
_WIDGETS = {"integer": "number", "number": "number", "boolean": "checkbox"}
_INTEGER = re.compile(r"-?[0-9]{1,15}")
_NUMBER = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,10})?")


def enum_titles(field):
    return FIELDS[field].get("x-enum-titles", {})


def _options(spec):
    titles = spec.get("x-enum-titles", {})
    return [(value, titles.get(value, str(value))) for value in spec.get("enum", []) if value is not None]


def form_fields(extra_schema, *, optional_fields=None, values=None, editing=False):
    """The fields of the registration (or edit) form, in order, as dicts for the template.

    :param optional_fields: names of optional fields to show (None: all of them).
    :param values: current values (a record snapshot, or the submitted form).
    :param editing: ID number, phone and birth date then start empty, with the masked
        current value as a placeholder: a full value never reaches the page, and "empty"
        means "keep".
    """
    values = values or {}
    shown = []
    for name, spec in sorted(FIELDS.items(), key=lambda item: item[1].get("x-order", 0)):
        if name in ("tags", "extra") or (
            optional_fields is not None and name not in ALWAYS_SHOWN and name not in optional_fields
        ):
            continue
        value, placeholder = values.get(name), ""
        if editing and name in SENSITIVE_INPUTS:
            value, placeholder = "", _placeholder(name, values.get(name))
        shown.append(
            {
                "name": name,
                "input": name,
                "title": spec["title"],
                "help": spec.get("description", ""),
                "widget": spec.get("x-widget") or _widget(spec),
                "options": _options(spec),
                "blank": None in spec.get("enum", [None]),
                "value": "" if value is None else value,
                "placeholder": placeholder,
                "required": name in ("name", "org_path"),
            }
        )
    if optional_fields is None or "extra" in optional_fields:
        shown.extend(extra_fields(extra_schema, values.get("extra") or {}))
    return shown


def _placeholder(name, value):
    if name == "birth_date":
        return HIDDEN_DATE if value else ""
    return masked(name, value) or ""


def _widget(spec):
    if "enum" in spec:
        return "select"
    types = spec.get("type")
    return "number" if "integer" in (types if isinstance(types, list) else [types]) else "text"


def extra_fields(extra_schema, values):
    properties = (extra_schema or {}).get("properties", {})
    required = set((extra_schema or {}).get("required", []))
    ordered = sorted(properties.items(), key=lambda item: (item[1].get("x-order", 0), item[0]))
    return [
        {
            "name": name,
            "input": EXTRA_PREFIX + name,
            "title": spec.get("title", name),
            "help": spec.get("description", ""),
            "placeholder": "",
            "widget": "select"
            if "enum" in spec
            else ("date" if spec.get("format") == "date" else _WIDGETS.get(spec.get("type"), "text")),
            "options": _options(spec),
            "value": "" if values.get(name) is None else values.get(name),
            "blank": name not in required,
            "required": name in required,
        }
        for name, spec in ordered
    ]


def tag_choices(county_tags, current, health_visible):
    """Checkboxes for the known tags, and for tags the county has since removed that the
    record still holds ("已停用": kept until unticked); health tags only for readers allowed
    to see them."""
    levels = {entry["tag"]: entry.get("level") for entry in current or []}
    known = [(tag, tag in HEALTH_TAGS) for tag in BUILTIN_TAGS]
    known += [(entry["tag"], bool(entry.get("sensitive"))) for entry in county_tags]
    defined = {tag for tag, _sensitive in known}
    retired = [(entry["tag"], bool(entry.get("sensitive"))) for entry in current or [] if entry["tag"] not in defined]
    return [
        {
            "tag": tag,
            "checked": tag in levels,
            "level": levels.get(tag),
            "needs_level": tag in TAGS_NEEDING_LEVEL,
            "retired": (tag, sensitive) in retired,
        }
        for tag, sensitive in known + retired
        if health_visible or not sensitive
    ]


def data_from_form(form, extra_schema, *, editing=False, shown=None):
    """The submitted form as a record dict. Empty inputs are left out when registering and
    mean "clear" when editing — except ``SENSITIVE_INPUTS``, where empty means "keep"."""
    data = {}
    for name in FIELDS:
        if name in ("tags", "extra") or (shown is not None and name not in shown) or name not in form:
            continue
        raw = form.get(name, "").strip()
        if raw == "" and (not editing or name in SENSITIVE_INPUTS or name in ("registration", "status")):
            continue
        data[name] = _typed(raw, FIELDS[name]) if raw else None
    if "tags_shown" in form:
        data["tags"] = [_tag_entry(form, tag) for tag in form.getlist("tags")]
    extra = _extra_from_form(form, extra_schema)
    if extra or editing:
        data["extra"] = extra
    return data


def _tag_entry(form, tag):
    level = form.get(f"level_{tag}", "").strip()
    return {"tag": tag, **({"level": _typed(level, {"type": "integer"})} if level else {})}


def _extra_from_form(form, extra_schema):
    extra = {}
    for name, spec in ((extra_schema or {}).get("properties") or {}).items():
        key = EXTRA_PREFIX + name
        if spec.get("type") == "boolean":
            extra[name] = key in form
            continue
        raw = form.get(key, "").strip()
        if raw:
            extra[name] = _typed(raw, spec)
    return extra


def _typed(raw, spec):
    """Text from a form as the type the schema wants; text that is not a number stays text,
    so the validator names the field instead of this code guessing."""
    types = spec.get("type")
    types = types if isinstance(types, list) else [types]
    if "integer" in types and _INTEGER.fullmatch(raw):
        return int(raw)
    if "number" in types and _NUMBER.fullmatch(raw):
        return float(raw)
    return raw
