"""Digital burden (数字负担): how many fields a user still has to fill in by hand.

``fields_to_type(schema, prefill)`` lists the fields a user must still enter for a form
pre-filled with ``prefill`` — what the digital-burden tests of the visit and inspection
forms count. A field needs typing when the form requires it and nothing known fills it;
a checkbox never does (unticked is an answer too), nor does a photo (taken, not typed).
"""

from core.forms.spec import form_fields

_NOT_TYPED = frozenset({"checkbox", "photo"})


def fields_to_type(schema, prefill=None, *, optional=False, only=None):
    """Input names of the fields still to fill, in form order.

    :param prefill: the values the form starts with (nested like the data).
    :param optional: count optional fields too (everything left empty).
    """
    return list(_missing(form_fields(schema, only), prefill or {}, optional, parent_required=True))


def _missing(fields, values, optional, parent_required):
    for spec in fields:
        value = values.get(spec.path[-1]) if isinstance(values, dict) else None
        needed = optional or (spec.required and parent_required)
        if spec.widget == "fieldset":
            yield from _missing(spec.children, value or {}, optional, needed)
        elif needed and spec.widget not in _NOT_TYPED and _is_empty(value):
            yield spec.input


def _is_empty(value):
    return value is None or value == "" or value == [] or value == {}
