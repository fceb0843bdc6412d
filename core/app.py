"""The application factory: a straight list of named steps (flaskr style).

Nothing here lives at module level: every call builds an independent app with its own
engine, policy engine and configuration, so tests can build as many as they like.
"""
import threading
from pathlib import Path

from flask import Flask

from core import config as config_module
from core import db


def create_app(test_config=None, instance_path=None):
    instance = config_module.instance_path_from_env((test_config or {}).get("INSTANCE_PATH") or instance_path)
    # root_path explicit: under setuptools' editable-install finder Flask cannot infer it.
    app = Flask("core", root_path=str(Path(__file__).parent), static_folder=None, instance_path=str(instance),
                instance_relative_config=True)
    app.config.from_mapping(config_module.load_config(instance, test_config))
    register_json(app)
    register_request_guards(app)
    register_database(app)
    register_i18n(app)
    register_auth(app)
    register_plugins(app)
    register_permissions(app)
    register_events(app)
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
    from core.api import converters
    from core.api.input_guard import refuse_unsafe_text

    converters.init_app(app)
    app.before_request(refuse_unsafe_text)


def register_database(app):
    db.init_app(app)


def register_i18n(app):
    from core.ui.i18n import init_app

    init_app(app)


def register_auth(app):
    from core.auth.setup import init_app

    init_app(app)


def register_plugins(app):
    """Discover and load plugins (the core is the first) and collect what they contribute."""
    from core.plugin_system.setup import load_plugins

    load_plugins(app)


def register_permissions(app):
    from core.permissions.access import EXTENSION
    from core.permissions.catalogue import PermissionCatalogue
    from core.permissions.policy import PolicyEngine
    from core.plugin_system.setup import contributed

    app.extensions["gridwork.permission_catalogue"] = PermissionCatalogue(
        permission for _plugin, permission in contributed(app, "gridwork_permissions"))
    app.extensions[EXTENSION] = _LazyPolicyEngine(app, PolicyEngine)


def register_events(app):
    """The durable event bus, with the event types and handlers plugins declare."""
    from core import events
    from core.plugin_system.registration import register_events as register_plugin_events

    events.init_app(app)
    register_plugin_events(app)


def register_services_and_blocks(app):
    from core.plugin_system.registration import register_blocks, register_services

    register_services(app)
    register_blocks(app)


def register_blueprints(app):
    from core.plugin_system.setup import register_plugin_blueprints

    register_plugin_blueprints(app)


def register_navigation(app):
    from core.plugin_system.setup import contributed

    app.extensions["gridwork.nav"] = tuple(contributed(app, "gridwork_nav_entries"))  # (plugin, entry)


def register_errors(app):
    from core.api.errors import register_error_handlers

    register_error_handlers(app)


def register_cli(app):
    from core.plugin_system.setup import register_plugin_cli

    register_plugin_cli(app)


class _LazyPolicyEngine:
    """Builds the policy engine on first use — the CLI must run ``db upgrade`` on an empty
    database before anything can read the policy tables — then puts the real engine in its
    place, so later lookups pay nothing for the indirection."""

    def __init__(self, app, factory):
        self._app = app
        self._factory = factory
        self._engine = None
        self._lock = threading.Lock()

    def __getattr__(self, name):
        with self._lock:
            if self._engine is None:
                self._engine = self._factory(db.engine_of(self._app), self._app.config["POLICY_CHECK_INTERVAL"])
                from core.permissions.access import EXTENSION

                self._app.extensions[EXTENSION] = self._engine
        return getattr(self._engine, name)
