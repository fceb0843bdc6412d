"""What the trigger editor's menus may offer for one block: the events it emits, each with
its declared payload fields, and the actions it accepts, each with its input fields — all
with Chinese names and a plain type, so the page can pair only fields of the same type."""

from core.public import event_payload_schema, event_title

# A payload field's type as the menus compare it; a nullable integer is still an integer.
TYPES = ("integer", "number", "boolean", "string")
# The event's node already decides which scenarios run; testing or passing on a path would
# ask the admin to type a code.
HIDDEN = {"org_path"}


def emitted(offer):
    """[{name, title, fields}] of the events ``offer``'s block emits."""
    return [
        {
            "name": name,
            "title": event_title(f"{offer.plugin}.{name}") or "（未命名的事件）",
            "fields": _payload_fields(f"{offer.plugin}.{name}"),
        }
        for name in offer.entry.get("emits", [])
    ]


def _payload_fields(event_name):
    return [f for f in fields_of(event_payload_schema(event_name) or {}) if f["name"] not in HIDDEN]


def accepted(offer):
    """[{name, title, fields}] of the actions ``offer``'s block accepts; each field says
    whether the action requires it."""
    answer = []
    for action in offer.entry.get("actions", []):
        schema = action["input_schema"]
        required = set(schema.get("required", []))
        fields = [{**field, "required": field["name"] in required} for field in fields_of(schema)]
        answer.append({"name": action["name"], "title": action["title"]["zh"], "fields": fields})
    return answer


def fields_of(schema):
    """[{name, title, type, enum?}] of an object schema's properties, in declared order."""
    return [_field(name, spec) for name, spec in schema.get("properties", {}).items()]


def _field(name, spec):
    field = {"name": name, "title": _title(name, spec), "type": _plain_type(spec)}
    if "enum" in spec:
        titles = spec.get("x-enum-titles", {})
        field["enum"] = [[value, titles.get(str(value), str(value))] for value in spec["enum"] if value is not None]
    return field


def _title(name, spec):
    """The field's ``title``, else its description up to the first bracket (居民编号（不是…）)."""
    if spec.get("title"):
        return spec["title"]
    description = spec.get("description", "")
    return description.split("（")[0].split("(")[0].strip() or name


def _plain_type(spec):
    kinds = spec.get("type", "string")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "enum" in spec and "type" not in spec:
        values = [v for v in spec["enum"] if v is not None]
        return "integer" if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values) else "string"
    return next((kind for kind in kinds if kind in TYPES), "string")
