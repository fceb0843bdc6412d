"""Build the OpenAPI 3.1 document from the app's routes and their ``api_route`` metadata."""

import re

from flask import current_app

from core.api.routing import API_PREFIX

_CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-zA-Z_]+)>")
PROBLEM = {
    "description": "错误（application/problem+json）",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(API_PREFIX)]


def build_document(app=None):
    app = app or current_app
    paths = {}
    for rule in api_rules(app):
        view = app.view_functions[rule.endpoint]
        meta = getattr(view, "openapi", None) or {}
        path = _CONVERTER.sub(r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, method, meta)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Gridwork API", "version": "1", "description": "网格治理平台 JSON API"},
        "paths": paths,
        "components": {
            "schemas": {"Problem": _PROBLEM_SCHEMA},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


def _operation(rule, method, meta):
    summary = meta.get("summary") or rule.endpoint
    operation = {
        "operationId": f"{rule.endpoint}_{method.lower()}",
        "summary": summary if isinstance(summary, str) else " ".join(summary),
        "tags": meta.get("tags") or [rule.endpoint.split(".")[0]],
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _CONVERTER.findall(rule.rule)
        ]
        + _query_parameters(meta.get("query")),
        "responses": {"200": {"description": "成功"}, "default": PROBLEM, **meta.get("responses", {})},
    }
    if meta.get("body") and method in ("POST", "PUT", "PATCH"):
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": meta["body"]}}}
    if meta.get("form") and method in ("POST", "PUT", "PATCH"):
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": meta["form"]}}}
    if meta.get("public"):
        operation["security"] = []
    else:
        operation["security"] = [{"bearer": []}, {"session": []}]
    return operation


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
    },
    "required": ["title", "status", "detail"],
}
