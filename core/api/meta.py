"""Routes about the service itself: health and the OpenAPI document."""

from flask import Blueprint, jsonify

from core.api.openapi import build_document
from core.api.routing import api_route
from core.db import database_status

bp = Blueprint("core_meta", __name__)


@bp.route("/healthz")
def healthz():
    database = database_status()
    status = "ok" if database == "ok" else "degraded"
    return jsonify({"status": status, "database": database}), 200 if status == "ok" else 503


@api_route(bp, "/api/v1/openapi.json", summary="OpenAPI 3.1 文档", tags=["meta"], public=True)
def openapi_document():
    return jsonify(build_document())
