"""Register the events, services and blocks plugins contribute (already vetted)."""
from core.events import register_event_type, register_handler
from core.plugin_system.setup import EXTENSION, contributed
from core.plugin_system.vetting import declared_event_types


def register_events(app):
    """Everything here was vetted at collection (core.plugin_system.vetting)."""
    host = app.extensions[EXTENSION]
    for _plugin, event_type in declared_event_types(host, app.extensions["gridwork.contributions"]):
        register_event_type(app, event_type)
    for _plugin, handler in contributed(app, "gridwork_event_handlers"):
        register_handler(app, handler)


def register_services(app):
    app.extensions["gridwork.services"] = {name: service for _plugin, (name, service)
                                           in contributed(app, "gridwork_services")}


def register_blocks(app):
    """{(plugin, block name): (BlockType, settings schema)} — the schema from the manifest."""
    host = app.extensions[EXTENSION]
    app.extensions["gridwork.blocks"] = {
        (plugin, block.name): (block, host.get(plugin).manifest.block_schemas()[block.name])
        for plugin, block in contributed(app, "gridwork_blocks")}
