"""What plugins contribute through their startup hooks: collected, then vetted (names, events,
handlers, blocks) before anything registers, so a refused plugin leaves nothing live."""

from dataclasses import dataclass, field

from sqlalchemy import Table
from sqlmodel import SQLModel

from core.events.types import EventType, MatchingHandler, check_name
from core.hookspecs import STARTUP_HOOKS
from core.permissions.catalogue import Permission


@dataclass
class Contributions:
    by_hook: dict = field(default_factory=dict)  # hook name → [(plugin, item)]

    def items(self, hook_name, host):
        """Items of plugins still loaded (a later check may have stopped one)."""
        return [(plugin, item) for plugin, item in self.by_hook.get(hook_name, []) if host.get(plugin)]


def collect(host, config):
    found = Contributions()
    for hook_name in STARTUP_HOOKS:
        for plugin, result in host.call_each(hook_name, config=config):
            items = list(result.items()) if isinstance(result, dict) else list(result)
            found.by_hook.setdefault(hook_name, []).extend((plugin, item) for item in items)
    _add_manifest_permissions(host, found)
    _check_names(host, found)

    vet(host, found)
    return found


def _add_manifest_permissions(host, found):
    for plugin in host.loaded():
        if plugin.manifest is None:
            continue
        for entry in plugin.manifest.data.get("permissions", []):
            title = entry["title"]
            permission = Permission(f"{plugin.name}.{entry['name']}", title["zh"], title.get("en", ""))
            found.by_hook.setdefault("gridwork_permissions", []).append((plugin.name, permission))


# hook → (the item's name, the separator after the plugin name in it)
_NAMED = {
    "gridwork_permissions": (lambda item: item.name, "."),
    "gridwork_services": (lambda item: item[0], "."),
    "gridwork_blueprints": (lambda item: item.name, "_"),
    "gridwork_nav_entries": (lambda item: item.endpoint.split(".", 1)[0], "_"),
    "gridwork_cli_commands": (lambda item: item.name, "-"),
    "gridwork_scheduled_jobs": (lambda item: item.name, "."),
}


def _check_names(host, found):
    """One name everywhere: each contribution carries its plugin's name, so no plugin can
    take a core name (``gridwork db``) or another plugin's; no duplicates."""
    for hook_name, (name_of, separator) in _NAMED.items():
        taken = {name_of(item): "core" for plugin, item in found.by_hook.get(hook_name, []) if plugin == "core"}
        for plugin, item in found.by_hook.get(hook_name, []):
            if plugin == "core" or not host.get(plugin):
                continue
            key = name_of(item)
            if not (key == plugin or key.startswith(plugin + separator) or key in _claimed(host, plugin, hook_name)):
                host.fail(plugin, f"{hook_name} 返回的 {key} 必须以插件名 {plugin} 开头（一个名字用到底）")
            elif key in taken and hook_name != "gridwork_nav_entries":
                host.fail(plugin, f"{hook_name}：名称 {key} 重复（已由 {taken[key]} 使用）")
            else:
                taken[key] = plugin


def _claimed(host, plugin, hook_name):
    """Command names a manifest claims besides the plugin's own (``"cli_commands":
    ["residents"]``): still one owner per name — a core command or another plugin's
    claim wins, and the later plugin is refused as for any duplicate."""
    manifest = host.get(plugin).manifest
    if hook_name != "gridwork_cli_commands" or manifest is None:
        return ()
    return manifest.data.get("cli_commands", ())


def declared_event_types(host, found):
    """[(plugin, EventType)]: manifest ``events.emits`` first, then the hook's."""
    types = []
    for plugin in host.loaded():
        if plugin.manifest is not None:
            types += [
                (plugin.name, EventType(name, schema, plugin.name)) for name, schema in plugin.manifest.emitted_events()
            ]
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
        _vet_org_bound_tables(host)
        if {name for name, plugin in host.plugins.items() if not plugin.ok} == failed_before:
            return


def _vet_event_types(host, found):
    seen = set()
    for plugin, event_type in declared_event_types(host, found):
        problem = _name_problem("事件类型", event_type.name, plugin) or (
            f"事件类型 {event_type.name} 重复声明" if event_type.name in seen else None
        )
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
        elif not isinstance(handler, MatchingHandler) and handler.event_type not in declared:
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
        entries = loaded.manifest.block_entries() if loaded.manifest else {}
        if block.plugin != plugin or block.name not in entries:
            host.fail(plugin, f"功能块 {block.name} 没有在 manifest.json 的 blocks 中声明")
            continue
        problem = block_contract_problem(block, entries[block.name], loaded.manifest.data)
        if problem:
            host.fail(plugin, problem)


def block_contract_problem(block, entry, manifest_data):
    """Why the block's code and its manifest entry disagree (None when they agree): triggers
    are checked against the manifest, so an action without code or an undeclared event
    would only fail when a trigger fires."""
    declared_events = {event["name"] for event in manifest_data.get("events", {}).get("emits", [])}
    unknown = [name for name in entry.get("emits", []) if name not in declared_events]
    if unknown:
        return f"功能块 {block.name} 声明发出的事件 {unknown[0]} 不在 manifest.json 的 events.emits 中"
    declared_actions = {action["name"] for action in entry.get("actions", [])}
    if declared_actions != set(block.actions):
        return f"功能块 {block.name} 的动作与 manifest.json 不一致"
    if entry.get("settings_version", 1) > 1 and block.migrate_settings.__name__ == "_settings_unchanged":
        return f"功能块 {block.name} 的设置版本大于 1，但没有提供旧设置的迁移（migrate_settings）"
    return None


def _vet_org_bound_tables(host):
    """A declared org path column must exist, or moving a node would silently leave the
    plugin's rows behind at the old path."""
    for plugin in host.loaded():
        if plugin.name == "core" or plugin.manifest is None:
            continue
        for bound in plugin.manifest.org_bound_tables():
            problem = _org_bound_problem(bound, _declared_table(plugin.module, bound.name))
            if problem:
                host.fail(plugin.name, problem)
                break


def _declared_table(module, name):
    """The plugin's table ``name``: a SQLModel table, or a SQLAlchemy ``Table`` its hooks
    module defines."""
    table = SQLModel.metadata.tables.get(name)
    if table is not None:
        return table
    return next((value for value in vars(module).values() if isinstance(value, Table) and value.name == name), None)


def _org_bound_problem(bound, table):
    if table is None:
        return f"manifest.json 的 tables 声明了 {bound.name}，但插件没有定义这张表"
    for column in filter(None, (bound.path_column, bound.county_column)):
        if column not in table.c:
            return f"manifest.json 的 tables 声明 {bound.name}.{column} 为组织路径列，但表中没有这一列"
    return None


def _name_problem(kind, name, plugin):
    try:
        check_name(kind, name, plugin)
    except ValueError as error:
        return str(error)
    return None
