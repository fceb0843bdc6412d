"""JSON API plumbing: problem+json errors, request validation, OpenAPI metadata."""

from core.api.errors import ApiError, not_found, register_error_handlers
from core.api.routing import api_blueprint, api_route, json_body

__all__ = ["ApiError", "not_found", "register_error_handlers", "api_blueprint", "api_route", "json_body"]
