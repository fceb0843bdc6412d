"""Form data → typed values, before validation.

A browser sends text only: numbers as digits, a checkbox only when ticked, a checkbox
group as repeated names, empty strings for inputs left blank. ``read_form`` turns that back
into the types the schema asks for, so the validator checks what the user meant. Text that
is not a number stays text: the validator then names the field ("应为整数") instead of
this code guessing, and the page shows what was typed.
"""

import re

from flask import current_app, has_request_context

from core.forms.spec import form_fields
from core.state import KEY
from core.timeutil import clock

_INTEGER = re.compile(r"[-+]?[0-9]{1,18}")
# Room for every float Python writes: 0.0004987427457692207 has 19 decimals.
_NUMBER = re.compile(r"[-+]?([0-9]{1,40}(\.[0-9]{0,40})?|\.[0-9]{1,40})([eE][-+]?[0-9]{1,3})?")
_TIME = re.compile(r"[0-2][0-9]:[0-5][0-9](:[0-6][0-9])?")
_TRUE = frozenset({"true", "on", "1", "yes"})
SKIPPED_WIDGETS = frozenset({"photo"})  # uploads come in request.files: see photo_uploads


def read_form(schema, form, only=None, keep_blank=False):
    """The submitted ``form`` (a werkzeug MultiDict, or any mapping with ``getlist``) as
    a dict of typed values for ``schema``'s fields.

    :param only: the top-level fields the page showed (as given to ``render_form``).
    :param keep_blank: a blank input becomes ``None`` ("clear it", for an edit form)
        instead of being left out ("not given").
    """
    fields = form_fields(schema, only)
    data = _read_object(fields, form, keep_blank)
    _meter(schema, fields, data)
    return data


def _meter(schema, fields, data):
    """Field-fill metering: the app's ``usage_form_meter`` (``core.usage.meter.note_form``)
    hears which fields this submission filled; set by the app, so this layer imports nothing
    above it."""
    gridwork = current_app.extensions.get(KEY) if has_request_context() else None
    if gridwork is not None and gridwork.usage_form_meter is not None:
        gridwork.usage_form_meter(schema, fields, data)


def photo_uploads(schema, files, only=None):
    """``{input name: FileStorage}`` of the photo fields a file was chosen for (store them
    with ``core.public.attach_file``)."""
    fields = form_fields(schema, only)
    return {
        spec.input: files[spec.input]
        for spec in fields
        if spec.widget == "photo" and spec.input in files and files[spec.input].filename
    }


def _read_object(fields, form, keep_blank):
    data = {}
    for spec in fields:
        if spec.widget in SKIPPED_WIDGETS:
            continue
        if spec.widget == "fieldset":
            inner = _read_object(spec.children, form, keep_blank)
            if inner or spec.required:
                data[spec.path[-1]] = inner
            continue
        value = _read_field(spec, form)
        if value is not None:
            data[spec.path[-1]] = value
        elif keep_blank:
            data[spec.path[-1]] = None
    return data


def _read_field(spec, form):
    if spec.kind == "boolean" and spec.widget == "checkbox":
        return form.get(spec.input, "").strip().lower() in _TRUE
    if spec.kind == "array":
        raw = [text.strip() for text in form.getlist(spec.input)]
        items = [typed(text, spec.item_kind, spec.options) for text in raw if text]
        return items if items or spec.required else None
    text = form.get(spec.input, "")
    text = text.strip() if isinstance(text, str) else ""
    if text == "":
        return None
    if spec.widget == "time":
        text = with_offset(text)
    return typed(text, spec.kind, spec.options)


def typed(text, kind, options=()):
    """``text`` as a value of JSON type ``kind``; an option's own value when it is one."""
    for value, _title in options:
        if str(value) == text:
            return value
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "number" and _NUMBER.fullmatch(text):
        number = float(text)
        return int(number) if number.is_integer() and abs(number) < 2**53 and "." not in text else number
    if kind == "boolean" and text.lower() in _TRUE | {"false", "off", "0", "no"}:
        return text.lower() in _TRUE
    return text


def with_offset(text):
    """``22:22`` from a time input as JSON Schema's ``time`` (RFC 3339, with an offset):
    ``22:22:00+08:00`` in the deployment's zone."""
    if not _TIME.fullmatch(text):
        return text
    seconds = text if len(text) == 8 else text + ":00"
    offset = clock.local(clock.now()).strftime("%z")
    return f"{seconds}{offset[:3]}:{offset[3:]}"
