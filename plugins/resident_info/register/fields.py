"""A county's extension of the register: extra fields (``extra``, validated against the
county's JSON Schema exactly like the rest of the record) and the county's own tags."""

import json
import re
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from core.public import ApiError, isoformat, record_audit, utcnow, validate_or_raise
from plugins.resident_info.models import CountyFields
from plugins.resident_info.permissions import PLUGIN
from plugins.resident_info.register import tag_sensitivity
from plugins.resident_info.register.validation import BUILTIN_TAGS

FIELDS_SCHEMA = json.loads((Path(__file__).parents[1] / "schemas" / "fields.json").read_text(encoding="utf-8"))
# \d also matches full-width and Arabic-Indic digits (reliability notes §2.4).
_UNICODE_DIGIT = re.compile(r"(?<!\\)\\d")


def _row(db, county_path):
    return db.get(CountyFields, county_path) if county_path else None


def county_settings(db, county_path):
    """``(extra JSON Schema or None, county tags)`` for a county."""
    row = _row(db, county_path)
    if row is None:
        return None, []
    return (row.extra_schema or None), list(row.tags or [])


def fields_json(db, county_path):
    row = _row(db, county_path)
    return {
        "county_path": county_path,
        "schema": row.extra_schema if row else None,
        "tags": row.tags if row else [],
        "builtin_tags": list(BUILTIN_TAGS),
        "updated_at": isoformat(row.updated_at) if row else None,
        "updated_by": row.updated_by if row else None,
    }


def put_fields(db, username, county_path, body, ip=""):
    """Replace the county's extra-field schema and tags (the caller checked manage_fields
    at the county root). 422 naming the field when the schema is not one we can use."""
    validate_or_raise(FIELDS_SCHEMA, body)
    schema = dict(body["schema"], additionalProperties=False)
    _check_schema(schema)
    tags = body.get("tags", [])
    _check_tags(tags)
    row = _row(db, county_path) or CountyFields(county_path=county_path)
    row.extra_schema, row.tags = (
        schema,
        [{"tag": t["tag"].strip(), "sensitive": bool(t.get("sensitive"))} for t in tags],
    )
    row.updated_at, row.updated_by = utcnow(), username
    db.add(row)
    db.flush()
    reclassified = tag_sensitivity.apply_to_holders(db, county_path, row.tags)
    record_audit(
        db,
        f"{PLUGIN}.fields_updated",
        actor=username,
        target=f"{PLUGIN}_county_fields:{county_path}",
        org_path=county_path,
        ip=ip,
        detail={
            "fields": sorted(schema["properties"]),
            "tags": [t["tag"] for t in row.tags],
            "residents_reclassified": reclassified,
        },
    )
    return row


def _check_schema(schema):
    properties = schema["properties"]
    for name in schema.get("required", []):
        if name not in properties:
            raise ApiError(422, f"必填字段 {name} 没有在 properties 中定义。", pointer="/schema/required")
    for name, field in properties.items():
        pattern = field.get("pattern")
        if pattern is None:
            continue
        pointer = f"/schema/properties/{name}/pattern"
        if _UNICODE_DIGIT.search(pattern):
            raise ApiError(422, "正则表达式中请用 [0-9] 代替 \\d（\\d 也会匹配全角数字）。", pointer=pointer)
        try:
            re.compile(pattern)
        except re.error:
            raise ApiError(422, "正则表达式写法不正确。", pointer=pointer) from None
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:  # e.g. "$schema": "" (not a URI): the county's mistake, not ours
        pointer = "/schema" + "".join(f"/{part}" for part in error.absolute_path)
        raise ApiError(422, f"{pointer}：附加字段的定义不是有效的 JSON Schema。", pointer=pointer) from None


def _check_tags(tags):
    seen = set(BUILTIN_TAGS)
    for index, entry in enumerate(tags):
        tag = entry["tag"].strip()
        if tag in seen:
            raise ApiError(422, f"标签“{tag}”与已有标签重名。", pointer=f"/tags/{index}/tag")
        seen.add(tag)
