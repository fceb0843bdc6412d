"""The public face of the core: the only module a plugin imports.

Everything a plugin needs — hook markers, permission checks, data scope, events, the
database session, API helpers, audit, attachments — is re-exported here under the core's own names, so
the core can reorganise its insides without breaking plugins. The import-linter contract
"plugins import only core.public" (`.importlinter`) keeps plugins to it, and
`tests/test_architecture.py` checks that every name below has an entry in `docs/plugins.md`.
"""

from flask_babel import gettext as _

from core.api.client_key import client_key_of
from core.api.errors import ApiError, ServiceError, not_found
from core.api.routing import api_blueprint, api_route, json_body
from core.api.text import clean_text
from core.api.validation import validate_or_raise
from core.attachments.service import (
    attach_file,
    attachment_count,
    attachments_of,
    move_attachments,
    remove_attachment,
)
from core.attachments.views import attachment_url
from core.audit.chain import chain_hash, record_audit
from core.audit.models import GENESIS_HASH
from core.auth.acting import actor_named
from core.auth.actor import current_actor
from core.db import bulk_insert, get_session, session_scope, system_options, system_query
from core.downloads import file_response
from core.events.publish import publish
from core.events.schema_check import compile_schema_check
from core.events.types import Event, EventHandler, EventType, MatchingHandler
from core.forms import (
    fields_to_type,
    form_errors,
    has_photo,
    photo_uploads,
    read_form,
    render_form,
    schema_reason,
)
from core.hookspecs import hookimpl
from core.inbox.escalations import escalate_if_open, object_closed
from core.inbox.notices import notify
from core.lifecycle.availability import module_unavailable
from core.lifecycle.notice import block_renderer  # render_block for a page of blocks, lifecycle read once
from core.lifecycle.notice import placed_block as render_block  # frozen and retired modules shown as such
from core.orgs.node_filter import node_filter
from core.orgs.picker import NodeChoice, node_choices, node_from_text, nodes_matching
from core.orgs.service import org_node_at, org_nodes_in, place_names
from core.permissions.access import can, login_required, package_grants, require, scope_for
from core.permissions.catalogue import Permission
from core.permissions.holders import package_holders
from core.permissions.policy_reads import package_permission_names
from core.permissions.service import package_titles
from core.plugin_system.blocks import BlockOffer, block_offers, event_payload_schema, event_title, plugin_enabled_at
from core.plugin_system.offerings import BlockType, ServiceUnavailable, call_service
from core.scheduler.jobs import JobContext, ScheduledJob
from core.scheduler.schedules import Daily, Every, Quarterly
from core.spreadsheets.read import cell_text, read_spreadsheet
from core.spreadsheets.write import CSV_TYPE, XLSX_TYPE, csv_bytes, safe_cell, xlsx_bytes
from core.timeutil import clock, isoformat, local_text, today, utcnow
from core.tree.ranges import after_prefix, prefix_range, subtree_range
from core.tree.scope import DataScope, scope_of_model, scoped
from core.ui.charts import chart_download, make_chart
from core.ui.nav import NavEntry
from core.ui.workbench import WorkItem
from core.usage.meter import meter_scenario, meter_use
from core.users.service import display_names

__all__ = [
    "_",
    "ApiError",
    "actor_named",
    "BlockOffer",
    "BlockType",
    "block_offers",
    "event_payload_schema",
    "event_title",
    "package_grants",
    "package_permission_names",
    "package_titles",
    "plugin_enabled_at",
    "render_block",
    "block_renderer",
    "CSV_TYPE",
    "DataScope",
    "Event",
    "EventHandler",
    "EventType",
    "MatchingHandler",
    "NavEntry",
    "NodeChoice",
    "WorkItem",
    "Permission",
    "ServiceError",
    "ServiceUnavailable",
    "escalate_if_open",
    "notify",
    "object_closed",
    "XLSX_TYPE",
    "api_blueprint",
    "api_route",
    "attach_file",
    "attachment_count",
    "attachment_url",
    "attachments_of",
    "bulk_insert",
    "call_service",
    "can",
    "chain_hash",
    "chart_download",
    "GENESIS_HASH",
    "clean_text",
    "client_key_of",
    "cell_text",
    "compile_schema_check",
    "csv_bytes",
    "current_actor",
    "file_response",
    "get_session",
    "hookimpl",
    "clock",
    "Daily",
    "Every",
    "JobContext",
    "Quarterly",
    "ScheduledJob",
    "isoformat",
    "local_text",
    "meter_scenario",
    "meter_use",
    "module_unavailable",
    "json_body",
    "login_required",
    "make_chart",
    "move_attachments",
    "not_found",
    "display_names",
    "node_choices",
    "node_filter",
    "node_from_text",
    "nodes_matching",
    "org_node_at",
    "org_nodes_in",
    "package_holders",
    "place_names",
    "publish",
    "read_spreadsheet",
    "record_audit",
    "remove_attachment",
    "require",
    "safe_cell",
    "scope_for",
    "scope_of_model",
    "scoped",
    "session_scope",
    "subtree_range",
    "prefix_range",
    "after_prefix",
    "system_options",
    "system_query",
    "today",
    "utcnow",
    "validate_or_raise",
    "fields_to_type",
    "form_errors",
    "has_photo",
    "photo_uploads",
    "read_form",
    "render_form",
    "schema_reason",
    "xlsx_bytes",
]
