"""Schema walking: a JSON Schema (object) and its UI hints → an ordered list of ``Field``s
that the template renders and the coercion reads back.

A field's ``path`` is its place in the data (``("extra", "workplace")``); its ``input`` is
the HTML ``name`` (``extra.workplace``), also the key of its error. Specs are built once
per schema object and cached (a form page renders the same schema on every request).
"""

from dataclasses import dataclass, field

from markupsafe import Markup

WIDGETS = frozenset(
    {"text", "textarea", "radio", "select", "checkboxes", "checkbox", "date", "time", "email", "tel", "number",
     "org-node", "photo", "list", "fieldset"}
)  # fmt: skip
# What a phone keyboard and the browser's autofill should offer for a widget.
_INPUT_ATTRIBUTES = {
    "tel": {"type": "tel", "inputmode": "tel", "autocomplete": "tel"},
    "email": {"type": "email", "inputmode": "email", "autocomplete": "email"},
    "date": {"type": "date"},
    "time": {"type": "time"},
    "integer": {"type": "text", "inputmode": "numeric"},
    "number": {"type": "text", "inputmode": "decimal"},
    "text": {"type": "text"},
}
_FORMAT_WIDGETS = {"date": "date", "time": "time", "email": "email"}


@dataclass(frozen=True)
class Field:
    path: tuple
    title: str
    widget: str
    kind: str  # the JSON type the value has: string, integer, number, boolean, array, object
    required: bool = False
    help: str = ""
    placeholder: str = ""
    options: tuple = ()  # ((value, title), …) for select, radio, checkboxes
    blank: bool = False  # a select with an empty first choice
    attributes: tuple = ()  # extra HTML attributes: (("maxlength", 50), ("inputmode", "tel"), …)
    children: tuple = ()  # a fieldset's fields
    item_kind: str = ""  # a list's item type
    rows: int = 3  # a list's inputs: the values held plus blanks up to this many
    schema: dict = field(default_factory=dict, compare=False, repr=False)
    # Worked out once here rather than on every render (the template reads them per field).
    input: str = field(init=False)
    id: str = field(init=False)
    attributes_html: Markup = field(init=False, compare=False, repr=False)
    label_html: Markup = field(init=False, compare=False, repr=False)  # the title, * when required
    option_tags: tuple = field(init=False, compare=False, repr=False)  # see option_tags()

    def __post_init__(self):
        name = ".".join(str(part) for part in self.path)
        object.__setattr__(self, "input", name)
        object.__setattr__(self, "id", "f-" + name.replace(".", "-"))
        html = Markup("").join(Markup(' {}="{}"').format(key, value) for key, value in self.attributes)
        object.__setattr__(self, "attributes_html", html)
        star = Markup('<span class="form-required" aria-hidden="true"> *</span>') if self.required else ""
        object.__setattr__(self, "label_html", Markup("{}{}").format(self.title, star))
        object.__setattr__(self, "option_tags", option_tags(self, self.options))


def option_tags(spec, options):
    """``((value as text, HTML, HTML when chosen), …)`` for the options of a select, radio
    group or checkbox group: written once, only "chosen" is decided per render."""
    if spec.widget in ("radio", "checkboxes"):
        kind = "radio" if spec.widget == "radio" else "checkbox"
        required = Markup(" required") if spec.required and kind == "radio" else ""
        tag = Markup('<label><input type="{}" name="{}" value="{}"{}{}>{}</label>')
        return tuple(
            (str(value), tag.format(kind, spec.input, value, "", required, label),
             tag.format(kind, spec.input, value, Markup(" checked"), required, label))
            for value, label in options
        )  # fmt: skip
    tag = Markup('<option value="{}"{}>{}</option>')
    return tuple(
        (str(value), tag.format(value, "", label), tag.format(value, Markup(" selected"), label))
        for value, label in options
    )


def form_fields(schema, only=None):
    """The fields of an object schema, in ``x-order`` (then property name) order.

    :param only: top-level property names to keep (None: all) — a block showing a short
        form, or a page that renders some properties itself, reads back the same ones."""
    key = (id(schema), tuple(only) if only is not None else None)
    cached = _CACHE.get(key)
    if cached is None or cached[0] is not schema:
        if len(_CACHE) >= CACHE_LIMIT:  # schemas built per request must not pile up
            _CACHE.clear()
        cached = (schema, tuple(_object_fields(schema, (), only)))
        _CACHE[key] = cached
    return cached[1]


_CACHE = {}
CACHE_LIMIT = 512


def walk(fields):
    """Every field, fieldsets' children included, in form order."""
    for spec in fields:
        yield spec
        yield from walk(spec.children)


def _object_fields(schema, prefix, only=None):
    required = set(schema.get("required", ()))
    properties = schema.get("properties", {})
    ordered = sorted(properties.items(), key=lambda item: (item[1].get("x-order", 0), item[0]))
    return [
        _field(prefix + (name,), spec, name in required)
        for name, spec in ordered
        if (only is None or name in only) and isinstance(spec, dict) and spec.get("x-widget") != "hidden"
    ]


def _field(path, schema, required):
    kind = json_type(schema)
    widget = schema.get("x-widget")
    if widget not in WIDGETS:  # unsaid, or a widget this renderer does not know
        widget = _default_widget(schema, kind)
    common = {
        "path": path,
        "title": schema.get("title") or str(path[-1]),
        "kind": kind,
        "required": required,
        "help": schema.get("x-help") or schema.get("description") or "",
        "placeholder": schema.get("x-placeholder", ""),
        "schema": schema,
    }
    if widget == "fieldset":
        return Field(widget=widget, children=tuple(_object_fields(schema, path)), **common)
    if kind == "array":
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        return Field(
            widget=widget,
            options=_options(items, schema.get("x-enum-titles")),
            item_kind=json_type(items),
            attributes=_attributes(items, json_type(items), widget),
            rows=max(1, min(int(schema.get("maxItems", 3)), 10)),  # no JavaScript adds rows
            **common,
        )
    return Field(
        widget=widget,
        options=_options(schema),
        blank=not required or None in schema.get("enum", ()),
        attributes=_attributes(schema, kind, widget),
        **common,
    )


def json_type(schema):
    """The one JSON type a field's value has (``null`` aside); ``string`` when unsaid."""
    declared = schema.get("type")
    types = declared if isinstance(declared, list) else [declared] if declared else []
    types = [name for name in types if name != "null"]
    if types:
        return types[0]
    values = [value for value in schema.get("enum", ()) if value is not None]
    if "const" in schema:
        values = [schema["const"]]
    if values and all(isinstance(value, bool) for value in values):
        return "boolean"
    if values and all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        return "integer"
    if values and all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in values):
        return "number"
    return "object" if "properties" in schema else "string"


def _default_widget(schema, kind):
    if kind == "object":
        return "fieldset"
    if kind == "boolean":
        return "checkbox"
    if kind == "array":
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        return "checkboxes" if "enum" in items else "list"
    if "enum" in schema:
        return "radio" if len(_options(schema)) <= 3 else "select"
    if kind in ("integer", "number"):
        return "number"
    return _FORMAT_WIDGETS.get(schema.get("format"), "text")


def _options(schema, titles=None):
    titles = titles or schema.get("x-enum-titles", {})
    return tuple((value, titles.get(str(value), str(value))) for value in schema.get("enum", ()) if value is not None)


def _attributes(schema, kind, widget):
    numeric = widget in ("number", "list") and kind in ("integer", "number")
    base = _INPUT_ATTRIBUTES.get(kind if numeric else "text" if widget == "list" else widget, {})
    found = dict(base)
    if kind == "string" and isinstance(schema.get("maxLength"), int):
        found["maxlength"] = schema["maxLength"]
    if widget not in ("tel", "email"):
        found.setdefault("autocomplete", "off")
    return tuple(sorted(found.items()))
