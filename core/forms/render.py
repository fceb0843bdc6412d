"""``render_form``: a schema's fields as accessible HTML, pre-filled, with the errors next
to their fields and a summary at the top. Works without JavaScript; the caller writes the
``<form>`` element (and ``enctype="multipart/form-data"`` when ``has_photo`` says so).
"""

from flask import current_app
from markupsafe import Markup

from core.forms.spec import form_fields, option_tags, walk

TEMPLATE = "core/forms/fields.html"


def render_form(schema, values=None, errors=None, *, only=None, choices=None, placeholders=None, summary=True):
    """The fields of ``schema`` as HTML (``Markup``).

    :param values: what the fields show: known values (pre-fill) or what was typed.
    :param errors: ``{input name: message}`` from ``form_errors`` (or a service's check).
    :param only: top-level fields to show (None: all).
    :param choices: ``{input name: [(value, label), …]}`` — the org-node picker's nodes,
        or options a view computes; they replace the schema's ``enum``.
    :param placeholders: ``{input name: text}`` overriding ``x-placeholder`` (e.g. the
        masked current value of a field an edit form leaves empty).
    :param summary: show the list of errors at the top (off when the page shows its own).
    """
    fields = form_fields(schema, only)
    errors = errors or {}
    template = current_app.jinja_env.get_template(TEMPLATE)
    return Markup(
        template.render(
            fields=fields,
            errors=errors,
            summary=_summary(fields, errors) if summary else [],
            value_of=_values_reader(values or {}),
            choices=choices or {},
            placeholders=placeholders or {},
            text_of=text_of,
            described=described,
            notes=notes,
            options_html=options_html,
            list_rows=list_rows,
        )
    )


def text_of(value):
    """A value as an input shows it: JSON's ``true``/``false``, nothing for None."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    return str(value)


def described(spec, error):
    """``aria-describedby`` (hint, error) and ``aria-invalid`` for a field's input."""
    ids = [spec.id + "-hint"] if spec.help else []
    if error:
        ids.append(spec.id + "-error")
    html = Markup(' aria-describedby="{}"').format(" ".join(ids)) if ids else Markup("")
    return html + Markup(' aria-invalid="true"') if error else html


def notes(spec, error):
    """The hint and the error under a field."""
    html = Markup('<small class="form-hint" id="{}-hint">{}</small>').format(spec.id, spec.help) if spec.help else ""
    if error:
        html += Markup('<span class="form-error" id="{}-error">{}</span>').format(spec.id, error)
    return Markup(html)


def options_html(spec, value, choices):
    """The options of a select, radio group or checkbox group, the current ones chosen;
    ``choices`` (from the view) replace the schema's."""
    tags = option_tags(spec, choices[spec.input]) if spec.input in choices else spec.option_tags
    chosen = {text_of(item) for item in value} if isinstance(value, list) else {text_of(value)}
    return Markup("").join(checked if text in chosen else plain for text, plain, checked in tags)


def list_rows(value, rows):
    """A list field's inputs: the items held, then blanks up to ``rows``."""
    held = value if isinstance(value, list) else []
    return held + [None] * max(rows - len(held), 0)


def has_photo(schema, only=None):
    """True when the form has a photo field (it must post as multipart/form-data)."""
    return any(spec.widget == "photo" for spec in walk(form_fields(schema, only)))


def _summary(fields, errors):
    """``[(field id, message)]`` in form order; errors of no field (``_form``) first."""
    by_input = {spec.input: spec.id for spec in walk(fields)}
    listed = [(None, message) for name, message in errors.items() if name not in by_input]
    return listed + [(by_input[name], errors[name]) for name in by_input if name in errors]


def _values_reader(values):
    def value_of(spec):
        current = values
        for part in spec.path:
            if not isinstance(current, dict):
                return None
            current = current.get(part)
        return current

    return value_of
