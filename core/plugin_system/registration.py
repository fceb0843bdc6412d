"""Wire the loaded plugins into an app: the host and its vetted contributions into the state,
then blueprints, CLI commands, event types and handlers, services and blocks."""

from importlib.metadata import PackageNotFoundError, version

from flask import g, request

from core.api.errors import ApiError
from core.auth.actor import current_actor
from core.events import register_event_type, register_handler
from core.plugin_system.contributions import collect, declared_event_types
from core.plugin_system.default_packages import warn_about_ungrantable_defaults
from core.plugin_system.host import CORE_PLUGIN, PluginHost, discover
from core.state import state_of
from core.tree.bound import CORE_BOUND_TABLES
from core.tree.regions import intersect


def core_version():
    try:
        return version("gridwork")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


def load_plugins(app, core_plugin_module):
    """Build the host and collect every plugin's startup contributions (nothing registered yet).

    ``core_plugin_module`` is ``core.default_plugin``, handed in by the app factory: it
    contributes every core page and command, so importing it here would tie this layer to
    all of them."""
    state = state_of(app)
    state.host = PluginHost(core_version())
    state.host.register_core(core_plugin_module)
    state.host.load(discover(app.config))
    warn_about_ungrantable_defaults(state.host)
    state.contributions = collect(state.host, app.config)
    return state.host


def contributed(app, hook_name):
    """[(plugin, item)] of plugins still loaded."""
    return state_of(app).contributed(hook_name)


def register_plugin_blueprints(app):
    owners = {}
    for plugin, blueprint in contributed(app, "gridwork_blueprints"):
        app.register_blueprint(blueprint)
        if plugin != CORE_PLUGIN:
            owners[blueprint.name] = plugin
    state_of(app).blueprint_owners = owners
    app.before_request(_refuse_where_switched_off)


def _refuse_where_switched_off():
    """A plugin's pages and API do not exist for someone whose part of the tree has the
    plugin switched off: 404, exactly as for an unknown address."""
    plugin = state_of().blueprint_owners.get((request.blueprint or "").split(".")[0])
    if plugin is None or not current_actor.is_authenticated:
        return
    policy = state_of().policy
    grants = [path for _, path in policy.grants_of(current_actor.id)]

    if not intersect(grants, policy.plugin_terms(plugin)):
        raise ApiError(404, "该功能模块在您的组织未启用。")
    g.plugin = plugin


def register_plugin_cli(app):
    for _plugin, command in contributed(app, "gridwork_cli_commands"):
        app.cli.add_command(command)


def register_events(app):
    """Everything here was vetted at collection (core.plugin_system.contributions)."""
    state = state_of(app)
    for _plugin, event_type in declared_event_types(state.host, state.contributions):
        register_event_type(app, event_type)
    for _plugin, handler in contributed(app, "gridwork_event_handlers"):
        register_handler(app, handler)


def register_services(app):
    state_of(app).services = {name: service for _plugin, (name, service) in contributed(app, "gridwork_services")}


def register_org_bound_tables(app):
    """The core's own org-bound tables (attachments) and every loaded plugin's (vetted: the
    columns exist)."""
    state = state_of(app)
    state.org_bound_tables = CORE_BOUND_TABLES + tuple(
        bound for plugin in state.host.loaded() if plugin.manifest for bound in plugin.manifest.org_bound_tables()
    )


def register_blocks(app):
    """{(plugin, block name): (BlockType, settings schema)} — the schema from the manifest."""
    host = state_of(app).host
    state_of(app).blocks = {
        (plugin, block.name): (block, host.get(plugin).manifest.block_schemas()[block.name])
        for plugin, block in contributed(app, "gridwork_blocks")
    }
