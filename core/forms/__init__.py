"""Forms from JSON Schema: one renderer for every plugin page and the scenario builder's
settings panel. ``spec`` walks a schema into fields, ``render`` draws them (Jinja macros in
``core/ui/templates/core/forms/``), ``coerce`` reads a submitted form back into typed
values, ``validate`` maps jsonschema's errors to Chinese messages per field, and ``burden``
counts the fields a user still has to type. Plugins use them through ``core.public``."""

from core.forms.burden import fields_to_type
from core.forms.coerce import photo_uploads, read_form
from core.forms.messages import reason as schema_reason
from core.forms.render import has_photo, render_form
from core.forms.validate import form_errors

__all__ = ["fields_to_type", "form_errors", "has_photo", "photo_uploads", "read_form", "render_form", "schema_reason"]
