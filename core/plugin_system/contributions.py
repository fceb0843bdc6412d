"""Collect what every plugin contributes, check it, and only then register it.

Two phases, so a plugin refused for any reason (a duplicate permission, a blueprint named
after someone else, a hook that raised) contributes nothing at all: no half-registered
routes of a plugin the plugins page says failed.
"""
from dataclasses import dataclass, field

from core.hookspecs import STARTUP_HOOKS
from core.permissions.catalogue import Permission
from core.plugin_system.vetting import vet


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
