"""Finding plugins (built-ins, the entry-point group, EXTRA_PLUGINS) and loading them into one
pluggy host per app; a plugin that fails is stopped alone, with the reason."""

import importlib
import importlib.util
import inspect
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Optional

import pluggy

from core import hookspecs
from core.plugin_system.manifest import ManifestError, read_manifest

CORE_PLUGIN = "core"
CORE_TITLE = "平台核心"


@dataclass
class LoadedPlugin:
    name: str
    source: str
    module_name: str
    distribution: Optional[str] = None
    folder: Optional[Path] = None
    manifest: object = None
    module: object = None
    error: Optional[str] = None
    hooks: tuple = field(default_factory=tuple)
    warnings: list = field(default_factory=list)  # loaded, but something to fix (Chinese)

    @property
    def ok(self):
        return self.error is None

    @property
    def version(self):
        return self.manifest.data["version"] if self.manifest else None

    @property
    def title(self):
        """What users read for the plugin: the manifest's Chinese title (居民信息采集)."""
        if self.name == CORE_PLUGIN:
            return CORE_TITLE
        return self.manifest.data.get("title", {}).get("zh", self.name) if self.manifest else self.name


class PluginHost:
    def __init__(self, core_version):
        self.core_version = core_version
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins = {}

    def register_core(self, module):
        """The core is its own first plugin: its features come through the same hooks."""
        self.pm.register(module, name=CORE_PLUGIN)
        self.plugins[CORE_PLUGIN] = LoadedPlugin(
            CORE_PLUGIN, "core", module.__name__, module=module, hooks=_implemented_hooks(module)
        )

    def load(self, candidates):
        for candidate in candidates:
            if candidate.name in self.plugins:
                self.plugins[f"{candidate.name}#{candidate.module}"] = LoadedPlugin(
                    candidate.name,
                    candidate.source,
                    candidate.module,
                    candidate.distribution,
                    error=f"插件名称 {candidate.name} 已被 {self.plugins[candidate.name].module_name} 使用，未加载",
                )
                continue
            self.plugins[candidate.name] = self._load_one(candidate)
        self._check_dependencies()

    def fail(self, name, reason):
        """Stop a loaded plugin (e.g. its startup hook raised): unregister it, keep the reason."""
        plugin = self.plugins[name]
        if plugin.module is not None and self.pm.is_registered(plugin.module):
            self.pm.unregister(plugin.module)
        plugin.error = reason

    def titles(self):
        """{plugin name: Chinese title} of every plugin the host knows, the core included."""
        return {name: plugin.title for name, plugin in self.plugins.items()}

    def loaded(self):
        """Plugins that loaded, core first."""
        return [p for p in self.plugins.values() if p.ok]

    def get(self, name):
        plugin = self.plugins.get(name)
        return plugin if plugin is not None and plugin.ok else None

    def call_each(self, hook_name, on_error=None, **kwargs):
        """Call each loaded plugin's implementation separately: [(plugin name, result)].
        A plugin whose implementation raises is stopped (a startup hook); with ``on_error``
        — ``on_error(plugin name, error)``, for run-time hooks called on every page — it is
        left out of this call only. Either way the others go on."""
        results = []
        for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
            name = self.pm.get_name(impl.plugin)
            try:
                result = impl.function(**{arg: kwargs[arg] for arg in impl.argnames})
            except Exception as error:  # a plugin's bug must not take the app down
                if on_error is None:
                    self.fail(name, f"{hook_name} 出错：{type(error).__name__}: {error}")
                else:
                    on_error(name, error)
                continue
            if result is not None:
                results.append((name, result))
        return results

    def call_for(self, plugin_names, hook_name, **kwargs):
        """Call a hook only on the named plugins (e.g. those enabled at an org node)."""
        others = [p.module for n, p in self.plugins.items() if p.ok and n not in plugin_names and p.module]
        return self.pm.subset_hook_caller(hook_name, remove_plugins=others)(**kwargs)

    def _load_one(self, candidate):
        plugin = LoadedPlugin(candidate.name, candidate.source, candidate.module, candidate.distribution)
        try:
            plugin.folder = _plugin_folder(candidate)
            plugin.manifest = read_manifest(plugin.folder, candidate.name, self.core_version)
            plugin.module = importlib.import_module(candidate.module)
            plugin.hooks = _implemented_hooks(plugin.module)
            _refuse_unknown_hooks(plugin.module)
            self.pm.register(plugin.module, name=candidate.name)
        except ManifestError as error:
            plugin.error = str(error)
        except Exception as error:  # import errors, pluggy validation errors
            plugin.error = f"{candidate.module}：{type(error).__name__}: {error}"
        return plugin

    def _check_dependencies(self):
        changed = True
        while changed:  # a plugin stopped for a missing dependency may be someone's dependency
            changed = False
            for plugin in self.loaded():
                missing = [
                    d
                    for d in (plugin.manifest.data.get("dependencies", []) if plugin.manifest else [])
                    if self.get(d) is None
                ]
                if missing:
                    self.fail(plugin.name, "缺少依赖的插件：" + "、".join(missing))
                    changed = True


def _plugin_folder(candidate):
    """The folder holding the hooks module, found without running the module."""
    spec = importlib.util.find_spec(candidate.module)
    if spec is None or not spec.origin:
        raise ImportError(f"找不到模块 {candidate.module}")
    return Path(spec.origin).parent


def _implemented_hooks(module):
    return tuple(
        sorted(
            name
            for name, value in inspect.getmembers(module)
            if callable(value) and hasattr(value, hookspecs.PROJECT + "_impl")
        )
    )


def _refuse_unknown_hooks(module):
    known = set(hookspecs.HOOK_NAMES)
    for name in _implemented_hooks(module):
        if name not in known:
            raise ValueError(f"未知的钩子 {name}（拼写错误？可用的钩子见 docs/plugins.md）")


ENTRY_POINT_GROUP = "gridwork.plugins"
OWN_DISTRIBUTION = "gridwork"


@dataclass(frozen=True)
class Candidate:
    name: str
    module: str  # the plugin's hooks module, e.g. "plugins.resident_info.hooks"
    source: str  # "builtin" | "package" | "config"
    distribution: Optional[str] = None
    version: Optional[str] = None


def discover(config):
    allow = _allow_list(config.get("PLUGINS_ALLOW"))
    autoload = _switched_on(config.get("PLUGINS_AUTOLOAD", True))
    found = [*_from_entry_points(), *_from_config(config.get("EXTRA_PLUGINS") or [])]
    return [c for c in found if (autoload or c.source != "package") and (allow is None or c.name in allow)]


def _from_entry_points():
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = entry.dist
        dist_name = (dist.metadata["Name"] if dist else "") or ""
        source = "builtin" if dist_name.lower() == OWN_DISTRIBUTION else "package"
        yield Candidate(
            entry.name, entry.value.split(":")[0], source, dist_name or None, dist.version if dist else None
        )


def _from_config(entries):
    for entry in entries:
        name, _, module = entry.partition("=")
        yield Candidate(name.strip(), module.strip(), "config")


def _switched_on(value):
    """Environment values arrive as text in any spelling: "false", "False", "off", "0", "no"."""
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "off", "no", "")
    return bool(value)


def _allow_list(value):
    if value in (None, "", []):
        return None
    if isinstance(value, str):
        value = value.split(",")
    return {name.strip() for name in value if name.strip()}
