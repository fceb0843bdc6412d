"""The public face of the core: the only module a plugin imports.

Everything a plugin needs — hook markers, permission checks, data scope, events, the
database session, API helpers, audit — is re-exported here, so the core can reorganise
its insides without breaking plugins. An import-linter contract keeps plugins to it.
"""
from flask_babel import gettext as _
from flask_login import current_user as current_actor

from core.api.errors import ApiError, not_found
from core.api.routing import api_blueprint, api_route, json_body
from core.api.validation import validate_or_raise as validate
from core.audit.chain import record as audit
from core.db import bulk_insert, get_session, session_scope
from core.events.publish import publish
from core.events.schema_check import compile_check as compile_schema_check
from core.events.types import Event, EventHandler, EventType
from core.hookspecs import hookimpl
from core.permissions.access import can, login_required, require, scope_for
from core.permissions.catalogue import Permission
from core.permissions.scope import DataScope, scope_of_model, scoped
from core.plugin_system.blocks import BlockType
from core.orgs.service import node_at as org_node_at
from core.orgs.service import tree_nodes as org_nodes_in
from core.plugin_system.services import ServiceUnavailable, call_service
from core.timeutil import isoformat, utcnow
from core.ui.nav import NavEntry

__all__ = [
    "_", "ServiceUnavailable", "org_node_at", "org_nodes_in", "validate", "ApiError", "BlockType", "DataScope", "Event", "EventHandler", "EventType", "NavEntry", "Permission",
    "api_blueprint", "bulk_insert", "compile_schema_check", "api_route", "audit", "call_service", "can", "current_actor", "get_session", "hookimpl",
    "isoformat", "json_body", "login_required", "not_found", "publish", "require", "scope_for", "scope_of_model",
    "scoped", "session_scope", "utcnow",
]
