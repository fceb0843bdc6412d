"""The registration and edit forms, drawn by the core's form renderer (``render_form``) from
``schemas/resident.json`` with the county's extra fields as a fieldset (本县附加信息), and
read back with ``read_form``; the same ``validate_resident`` then checks them as any API
body. Tags (with a level for 残疾) keep their own widget: which tags a reader may see is
this plugin's rule, not a schema's."""

import json
from functools import lru_cache

from core.public import read_form, render_form
from plugins.resident_info.register.present import HIDDEN_DATE, masked
from plugins.resident_info.register.validation import (
    BUILTIN_TAGS,
    FIELDS,
    HEALTH_TAGS,
    RESIDENT_SCHEMA,
    TAGS_NEEDING_LEVEL,
)

ALWAYS_SHOWN = ("name", "id_number", "gender", "birth_date", "org_path")
# When editing these start empty (the current value masked as the placeholder) and empty
# means "keep": a full value, or the birth date the ID's mask hides, never reaches the page.
SENSITIVE_INPUTS = ("id_number", "phone", "birth_date")
# Blank means "unchanged" for these even when editing: they always hold a value.
NEVER_CLEARED = ("registration", "status")


def form_schema(extra_schema):
    """The register's schema with the county's extra fields in ``extra`` (a fieldset),
    built once per county schema: the renderer caches its fields per schema object."""
    return _form_schema(json.dumps(extra_schema or {}, sort_keys=True, ensure_ascii=False))


@lru_cache(maxsize=64)
def _form_schema(extra_text):
    extra = json.loads(extra_text)
    properties = {name: spec for name, spec in RESIDENT_SCHEMA["properties"].items() if name != "tags"}
    if extra.get("properties"):
        properties["extra"] = {**extra, "title": FIELDS["extra"]["title"], "x-order": FIELDS["extra"]["x-order"]}
    else:
        del properties["extra"]
    return {**RESIDENT_SCHEMA, "properties": properties}


def shown_fields(optional_fields=None):
    """The top-level fields a form shows: all, or the always-shown ones and ``optional_fields``."""
    if optional_fields is None:
        return None
    return [name for name in FIELDS if name in ALWAYS_SHOWN or name in optional_fields]


def render_fields(extra_schema, values, errors=None, *, org_choices=(), optional_fields=None, editing=False):
    """The form's fields as HTML, pre-filled with ``values`` (a record snapshot, or what was
    submitted), errors next to their fields and listed at the top (the tags' and the
    version's too); ``org_choices`` are ``(path, name)`` pairs."""
    placeholders = {}
    if editing:
        values = dict(values)
        for name in SENSITIVE_INPUTS:
            placeholders[name] = _placeholder(name, values.pop(name, None))
    return render_form(
        form_schema(extra_schema),
        values,
        errors,
        only=shown_fields(optional_fields),
        choices={"org_path": list(org_choices)},
        placeholders=placeholders,
    )


def _placeholder(name, value):
    if name == "birth_date":
        return HIDDEN_DATE if value else ""
    return masked(name, value) or ""


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


def data_from_form(form, extra_schema, *, editing=False):
    """The submitted form as a record dict. Blank inputs are left out when registering and
    mean "clear" when editing — except ``SENSITIVE_INPUTS``, where blank means "keep"."""
    schema = form_schema(extra_schema)
    data = read_form(schema, form, only=_present(form.keys(), schema), keep_blank=editing)
    for name in SENSITIVE_INPUTS + NEVER_CLEARED:
        if data.get(name, "") is None:
            del data[name]
    if "extra" in data or editing:  # a blank extra field is "not given", never null
        data["extra"] = {key: value for key, value in (data.get("extra") or {}).items() if value is not None}
    if "tags_shown" in form:
        data["tags"] = [_tag_entry(form, tag) for tag in form.getlist("tags")]
    return data


def _present(names, schema):
    """The top-level fields the form carried (a block's short form sends only some); the
    county's fields always (an unticked box sends nothing, and means "no")."""
    carried = {name.split(".", 1)[0] for name in names} & set(FIELDS)
    return sorted(carried | ({"extra"} & set(schema["properties"])))


def _tag_entry(form, tag):
    level = form.get(f"level_{tag}", "").strip()
    return {"tag": tag, **({"level": int(level)} if level.isascii() and level.isdigit() and len(level) < 3 else {})}
