"""Register the events, services and blocks plugins contribute (already vetted)."""
from core.state import state_of
from core.events import register_event_type, register_handler
from core.plugin_system.setup import contributed
from core.plugin_system.vetting import declared_event_types


def register_events(app):
    """Everything here was vetted at collection (core.plugin_system.vetting)."""
    state = state_of(app)
    for _plugin, event_type in declared_event_types(state.host, state.contributions):
        register_event_type(app, event_type)
    for _plugin, handler in contributed(app, "gridwork_event_handlers"):
        register_handler(app, handler)


def register_services(app):
    state_of(app).services = {name: service for _plugin, (name, service)
                                           in contributed(app, "gridwork_services")}


def register_blocks(app):
    """{(plugin, block name): (BlockType, settings schema)} — the schema from the manifest."""
    host = state_of(app).host
    state_of(app).blocks = {
        (plugin, block.name): (block, host.get(plugin).manifest.block_schemas()[block.name])
        for plugin, block in contributed(app, "gridwork_blocks")}
