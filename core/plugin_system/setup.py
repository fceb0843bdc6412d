"""Wire plugins into an app: discover, load, collect contributions, register them."""
from importlib.metadata import PackageNotFoundError, version

from flask import g, request
from core.auth.actor import current_actor

from core.api.errors import ApiError
from core.plugin_system.contributions import collect
from core.plugin_system.defaults import warn_about_ungrantable_defaults
from core.plugin_system.discovery import discover
from core.plugin_system.host import CORE_PLUGIN, PluginHost

EXTENSION = "gridwork.plugins"


def core_version():
    try:
        return version("gridwork")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


def load_plugins(app):
    """Build the host and collect every plugin's startup contributions (nothing registered yet)."""
    from core import default_plugin

    host = PluginHost(core_version())
    host.register_core(default_plugin)
    host.load(discover(app.config))
    warn_about_ungrantable_defaults(host)
    app.extensions[EXTENSION] = host
    app.extensions["gridwork.contributions"] = collect(host, app.config)
    return host


def contributed(app, hook_name):
    """[(plugin, item)] of plugins still loaded."""
    return app.extensions["gridwork.contributions"].items(hook_name, app.extensions[EXTENSION])


def register_plugin_blueprints(app):
    owners = {}
    for plugin, blueprint in contributed(app, "gridwork_blueprints"):
        app.register_blueprint(blueprint)
        if plugin != CORE_PLUGIN:
            owners[blueprint.name] = plugin
    app.extensions["gridwork.blueprint_owners"] = owners
    app.before_request(_refuse_where_switched_off)


def _refuse_where_switched_off():
    """A plugin's pages and API do not exist for someone whose part of the tree has the
    plugin switched off: 404, exactly as for an unknown address."""
    from flask import current_app

    plugin = current_app.extensions["gridwork.blueprint_owners"].get((request.blueprint or "").split(".")[0])
    if plugin is None or not current_actor.is_authenticated:
        return
    policy = current_app.extensions["gridwork.policy"]
    grants = [path for _, path in policy.grants_of(current_actor.id)]
    from core.plugin_system.enablement import intersect

    if not intersect(grants, policy.plugin_terms(plugin)):
        raise ApiError(404, "该功能模块在您的组织未启用。")
    g.plugin = plugin


def register_plugin_cli(app):
    for _plugin, command in contributed(app, "gridwork_cli_commands"):
        app.cli.add_command(command)
