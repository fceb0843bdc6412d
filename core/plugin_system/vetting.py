"""Checks of event types, handlers and blocks, done before anything is registered, so a
plugin refused for one of them contributes nothing at all (no live handler of a plugin the
plugins page says failed)."""
from core.events.types import EventType, check_name


def declared_event_types(host, found):
    """[(plugin, EventType)]: manifest ``events.emits`` first, then the hook's."""
    types = []
    for plugin in host.loaded():
        if plugin.manifest is not None:
            types += [(plugin.name, EventType(name, schema, plugin.name)) for name, schema in plugin.manifest.emitted_events()]
    types += found.by_hook.get("gridwork_event_types", [])
    return [(plugin, event_type) for plugin, event_type in types if host.get(plugin)]


def vet(host, found):
    """Fail every plugin whose events, handlers or blocks are wrong; repeat until stable,
    because a failed producer leaves its consumers subscribed to nothing."""
    while True:
        failed_before = {name for name, plugin in host.plugins.items() if not plugin.ok}
        _vet_event_types(host, found)
        _vet_handlers(host, found)
        _vet_blocks(host, found)
        if {name for name, plugin in host.plugins.items() if not plugin.ok} == failed_before:
            return


def _vet_event_types(host, found):
    seen = set()
    for plugin, event_type in declared_event_types(host, found):
        problem = _name_problem("事件类型", event_type.name, plugin) or (
            f"事件类型 {event_type.name} 重复声明" if event_type.name in seen else None)
        if problem and plugin != "core":
            host.fail(plugin, problem)
        seen.add(event_type.name)


def _vet_handlers(host, found):
    declared = {event_type.name for _plugin, event_type in declared_event_types(host, found)}
    seen = set()
    for plugin, handler in found.by_hook.get("gridwork_event_handlers", []):
        if plugin == "core" or not host.get(plugin):
            continue
        problem = _name_problem("订阅", handler.name, plugin)
        if handler.plugin != plugin:
            problem = f"订阅 {handler.name} 声明的模块 {handler.plugin} 与提供它的模块 {plugin} 不一致"
        elif handler.event_type not in declared:
            problem = f"订阅 {handler.name} 的事件类型 {handler.event_type} 没有任何已加载的模块声明"
        elif handler.name in seen:
            problem = f"订阅 {handler.name} 重复"
        if problem:
            host.fail(plugin, problem)
        seen.add(handler.name)


def _vet_blocks(host, found):
    for plugin, block in found.by_hook.get("gridwork_blocks", []):
        loaded = host.get(plugin)
        if plugin == "core" or loaded is None:
            continue
        schemas = loaded.manifest.block_schemas() if loaded.manifest else {}
        if block.plugin != plugin or block.name not in schemas:
            host.fail(plugin, f"功能块 {block.name} 没有在 manifest.json 的 blocks 中声明")


def _name_problem(kind, name, plugin):
    try:
        check_name(kind, name, plugin)
    except ValueError as error:
        return str(error)
    return None
