"""Register plugin contributions that need checks beyond names: events, services, blocks.

A plugin whose contribution is refused here is stopped (and contributes nothing further);
the error shows on the plugins page.
"""
from core.events import register_event_type, register_handler
from core.events.types import EventType
from core.plugin_system.setup import EXTENSION, contributed


def register_events(app):
    host = app.extensions[EXTENSION]
    for plugin, event_type in _declared_event_types(app, host):
        _or_fail(host, plugin, lambda: register_event_type(app, event_type))
    for plugin, handler in contributed(app, "gridwork_event_handlers"):
        _or_fail(host, plugin, lambda: _register_handler(app, plugin, handler))


def _declared_event_types(app, host):
    """Manifest ``events.emits`` first, then the ``gridwork_event_types`` hook."""
    for plugin in host.loaded():
        if plugin.manifest is not None:
            for name, schema in plugin.manifest.emitted_events():
                yield plugin.name, EventType(name, schema, plugin.name)
    yield from contributed(app, "gridwork_event_types")


def _register_handler(app, plugin, handler):
    if handler.plugin != plugin:
        raise ValueError(f"订阅 {handler.name} 声明的模块 {handler.plugin} 与提供它的模块 {plugin} 不一致")
    register_handler(app, handler)


def register_services(app):
    app.extensions["gridwork.services"] = {name: service for _plugin, (name, service)
                                           in contributed(app, "gridwork_services")}


def register_blocks(app):
    """{(plugin, block name): (BlockType, settings schema)} — schema from the manifest."""
    host = app.extensions[EXTENSION]
    blocks = {}
    for plugin, block in contributed(app, "gridwork_blocks"):
        schemas = host.get(plugin).manifest.block_schemas() if host.get(plugin).manifest else {}
        if block.plugin != plugin or block.name not in schemas:
            host.fail(plugin, f"功能块 {block.name} 没有在 manifest.json 的 blocks 中声明")
            continue
        blocks[(plugin, block.name)] = (block, schemas[block.name])
    app.extensions["gridwork.blocks"] = {key: value for key, value in blocks.items() if host.get(key[0])}


def _or_fail(host, plugin, action):
    if host.get(plugin) is None:
        return
    try:
        action()
    except ValueError as error:
        if plugin == "core":
            raise
        host.fail(plugin, str(error))
