"""Build the OpenAPI 3.1 document from the app's routes and their ``api_route`` metadata."""

import re

from flask import current_app

from core.api.converters import MAX_ID
from core.api.routing import API_PREFIX

_CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-zA-Z_]+)>")
_TYPED_PARAMETER = re.compile(r"<(?:([a-z]+):)?([a-zA-Z_]+)>")
# What each URL converter matches, so clients (and fuzzers) send values the route can take.
_PATH_SCHEMAS = {"int": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
PROBLEM = {
    "description": "错误（application/problem+json）",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(API_PREFIX)]


def build_document(app=None):
    app = app or current_app
    paths, schemas = {}, {"Problem": _PROBLEM_SCHEMA}
    for rule in api_rules(app):
        view = app.view_functions[rule.endpoint]
        meta = getattr(view, "openapi", None) or {}
        path = _CONVERTER.sub(r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, method, meta, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Gridwork API", "version": "1", "description": "网格治理平台 JSON API"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


def _operation(rule, method, meta, schemas):
    summary = meta.get("summary") or rule.endpoint
    operation = {
        "operationId": f"{rule.endpoint}_{method.lower()}",
        "summary": summary if isinstance(summary, str) else " ".join(summary),
        "tags": meta.get("tags") or [rule.endpoint.split(".")[0]],
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": _PATH_SCHEMAS.get(converter, {"type": "string"})}
            for converter, name in _TYPED_PARAMETER.findall(rule.rule)
        ]
        + _query_parameters(meta.get("query")),
        "responses": {"200": {"description": "成功"}, "default": PROBLEM, **meta.get("responses", {})},
    }
    if meta.get("body") and method in ("POST", "PUT", "PATCH"):
        operation["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": _defs_to_components(meta["body"], operation["operationId"], schemas)}
            },
        }
    if meta.get("form") and method in ("POST", "PUT", "PATCH"):
        operation["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {"schema": _defs_to_components(meta["form"], operation["operationId"], schemas)}
            },
        }
    if meta.get("public"):
        operation["security"] = []
    else:
        operation["security"] = [{"bearer": []}, {"session": []}]
    return operation


_LOCAL_REF = "#/$defs/"


def _defs_to_components(schema, owner, schemas):
    """``schema`` with its ``$defs`` moved into ``schemas`` as ``<owner>.<name>``: inside the
    OpenAPI document a "#/$defs/…" reference points at the document's root, where nothing is,
    so no client could build the body. Copied: the route validates with the original."""
    if "$defs" not in schema:
        return schema
    target = f"#/components/schemas/{owner}."

    def rewritten(value):
        if isinstance(value, dict):
            return {
                key: target + item[len(_LOCAL_REF) :]
                if key == "$ref" and isinstance(item, str) and item.startswith(_LOCAL_REF)
                else rewritten(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [rewritten(item) for item in value]
        return value

    copy = rewritten(schema)
    for name, definition in copy.pop("$defs").items():
        schemas[f"{owner}.{name}"] = definition
    return copy


def _query_parameters(schema):
    if not schema:
        return []
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": property_schema,
            **({"description": property_schema["description"]} if "description" in property_schema else {}),
        }
        for name, property_schema in schema.get("properties", {}).items()
    ]


_PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "pointer": {"type": "string"},
        "errors": {"type": "array"},
        # On a 403: the code of the permission the caller lacks ("detail" names its title).
        "permission": {"type": "string"},
    },
    "required": ["title", "status", "detail"],
}
