"""API blueprints and the ``api_route`` decorator that records OpenAPI metadata.

Every JSON route is declared through ``api_route`` so the OpenAPI document is built from
the same place the route is: a route without metadata fails a contract test.
"""

from flask import Blueprint, request

from core.api.errors import ApiError
from core.api.validation import validate_or_raise

API_PREFIX = "/api/v1"


def api_blueprint(name, import_name, url_prefix=""):
    """A blueprint under ``/api/v1`` (plus ``url_prefix``, e.g. ``"/resident_info"``)."""
    return Blueprint(name, import_name, url_prefix=API_PREFIX + url_prefix)


def api_route(
    bp, rule, methods=("GET",), summary="", body=None, tags=(), public=False, responses=None, query=None, form=None
):
    """Register ``view`` on ``bp`` and attach OpenAPI facts to it.

    :param body: JSON Schema of the request body (validated by ``json_body``).
    :param query: JSON Schema object whose ``properties`` are the query parameters (filters,
        paging) — described as OpenAPI parameters so clients and fuzzers see them.
    :param form: JSON Schema object of a ``multipart/form-data`` body; a file field is
        ``{"type": "string", "format": "binary"}``.
    :param public: True when the route needs no authentication.
    """

    def decorator(view):
        view.openapi = {
            "summary": summary or (view.__doc__ or "").strip().splitlines()[0:1],
            "body": body,
            "query": query,
            "form": form,
            "tags": list(tags),
            "public": public,
            "responses": responses or {},
        }
        bp.add_url_rule(rule, view_func=view, methods=list(methods))
        return view

    return decorator


def json_body(schema):
    """The request's JSON body, validated against ``schema`` (422 problem+json if not)."""
    if not request.is_json:
        raise ApiError(415, "请求体必须是 JSON（Content-Type: application/json）。")
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "请求体不是有效的 JSON。", pointer="/")
    return validate_or_raise(schema, data)
