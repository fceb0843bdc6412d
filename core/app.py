"""The application factory: a straight list of named steps (flaskr style).

Nothing here lives at module level: every call builds an independent app with its own
engine, policy engine and configuration (all in one ``core.state.Gridwork`` object), so
tests can build as many as they like.
"""

from pathlib import Path

from flask import Flask

from core import config as config_module
from core import db, default_plugin, events, state
from core.api import converters
from core.api.errors import register_error_handlers
from core.api.input_guard import refuse_unsafe_text
from core.auth.setup import init_app as init_auth
from core.lifecycle.guard import check_writable
from core.permissions.catalogue import PermissionCatalogue
from core.permissions.policy import PolicyEngine
from core.permissions.refusals import audit_refusal
from core.plugin_system.registration import (
    contributed,
    load_plugins,
    register_blocks,
    register_org_bound_tables,
    register_plugin_blueprints,
    register_plugin_cli,
    register_services,
)
from core.plugin_system.registration import register_events as register_plugin_events
from core.scheduler.embedded import start_before_request
from core.scheduler.runner import Scheduler
from core.timeutil import set_zone
from core.ui.i18n import init_app as init_i18n
from core.usage.setup import init_app as init_usage


def create_app(test_config=None, instance_path=None):
    instance = config_module.instance_path_from_env((test_config or {}).get("INSTANCE_PATH") or instance_path)
    # root_path explicit: under setuptools' editable-install finder Flask cannot infer it.
    app = Flask(
        "core",
        root_path=str(Path(__file__).parent),
        static_folder=None,
        instance_path=str(instance),
        instance_relative_config=True,
    )
    app.config.from_mapping(config_module.load_config(instance, test_config))
    state.init_app(app)
    register_json(app)
    register_request_guards(app)
    register_database(app)
    register_i18n(app)
    register_auth(app)
    register_plugins(app)
    register_permissions(app)
    register_events(app)
    register_scheduler(app)
    register_usage(app)
    register_services_and_blocks(app)
    register_blueprints(app)
    register_navigation(app)
    register_errors(app)
    register_cli(app)
    return app


def register_json(app):
    app.json.ensure_ascii = False  # UTF-8 Chinese, not \\uXXXX
    app.json.sort_keys = False


def register_request_guards(app):
    """Bounded integer URL parameters and no control characters in any input."""
    converters.init_app(app)
    app.before_request(refuse_unsafe_text)


def register_database(app):
    set_zone(app.config["TIMEZONE"])
    db.init_app(app)


def register_i18n(app):
    init_i18n(app)


def register_auth(app):
    init_auth(app)


def register_plugins(app):
    """Discover and load plugins (the core is the first) and collect what they contribute."""
    load_plugins(app, default_plugin)


def register_permissions(app):
    """The permission catalogue now; the policy engine on first use (see ``Gridwork.policy``)."""
    gridwork = state.state_of(app)
    gridwork.catalogue = PermissionCatalogue(
        permission for _plugin, permission in contributed(app, "gridwork_permissions")
    )
    gridwork.policy_factory = lambda: PolicyEngine(db.engine_of(app), app.config["POLICY_CHECK_INTERVAL"])


def register_events(app):
    """The durable event bus, with the event types and handlers plugins declare."""
    events.init_app(app)
    register_plugin_events(app)


def register_scheduler(app):
    """Plugins' scheduled jobs, and this process's scheduler (its thread starts with the
    first request; ``gridwork worker`` runs one too)."""
    gridwork = state.state_of(app)
    gridwork.jobs = {job.name: job for _plugin, job in contributed(app, "gridwork_scheduled_jobs")}
    gridwork.scheduler = Scheduler(app)
    app.before_request(start_before_request(app))


def register_usage(app):
    """Usage metering: each request's plugin actions go to this process's spool file."""
    init_usage(app)


def register_services_and_blocks(app):
    register_services(app)
    register_blocks(app)
    register_org_bound_tables(app)
    register_lifecycle(app)


def register_lifecycle(app):
    """Frozen modules are read-only: bulk inserts are checked too (flushes always are)."""
    state.state_of(app).write_guards = (check_writable,)


def register_blueprints(app):
    register_plugin_blueprints(app)


def register_navigation(app):
    state.state_of(app).nav = tuple(contributed(app, "gridwork_nav_entries"))  # (plugin, entry)


def register_errors(app):
    """problem+json and error pages; every 403 is audited once (``core.permissions.refusals``)."""
    register_error_handlers(app, on_refusal=audit_refusal)


def register_cli(app):
    register_plugin_cli(app)
