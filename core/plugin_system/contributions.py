"""Collect what every plugin contributes, check it, and only then register it.

Two phases, so a plugin refused for any reason (a duplicate permission, a blueprint named
after someone else, a hook that raised) contributes nothing at all: no half-registered
routes of a plugin the plugins page says failed.
"""
from dataclasses import dataclass, field

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
    return found


def _add_manifest_permissions(host, found):
    for plugin in host.loaded():
        if plugin.manifest is None:
            continue
        for entry in plugin.manifest.data.get("permissions", []):
            title = entry["title"]
            permission = Permission(f"{plugin.name}.{entry['name']}", title["zh"], title.get("en", ""))
            found.by_hook.setdefault("gridwork_permissions", []).append((plugin.name, permission))


def _check_names(host, found):
    """One name everywhere: each contribution carries its plugin's name; no duplicates."""
    for hook_name in ("gridwork_permissions", "gridwork_blueprints", "gridwork_services", "gridwork_nav_entries"):
        seen = {}
        for plugin, item in found.by_hook.get(hook_name, []):
            if plugin == "core" or not host.get(plugin):
                continue
            key = _key(hook_name, item)
            if not _owned_by(plugin, key, hook_name):
                host.fail(plugin, f"{hook_name} 返回的 {key} 必须以插件名 {plugin} 开头（一个名字用到底）")
            elif key in seen or key in _core_keys(found, hook_name):
                host.fail(plugin, f"{hook_name}：名称 {key} 重复（已由 {seen.get(key, 'core')} 使用）")
            else:
                seen[key] = plugin


def _key(hook_name, item):
    if hook_name == "gridwork_permissions":
        return item.name
    if hook_name == "gridwork_blueprints":
        return item.name
    if hook_name == "gridwork_services":
        return item[0]
    return item.endpoint


def _owned_by(plugin, key, hook_name):
    separator = "." if hook_name in ("gridwork_permissions", "gridwork_services") else None
    if separator:
        return key.startswith(plugin + separator)
    return key == plugin or key.startswith(plugin + "_") or key.startswith(plugin + ".")


def _core_keys(found, hook_name):
    return {_key(hook_name, item) for plugin, item in found.by_hook.get(hook_name, []) if plugin == "core"}
