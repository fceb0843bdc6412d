"""What plugins offer beyond pages: services other plugins call through the core (so no plugin
imports another) and scenario blocks (功能块) for the scenario builder."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from core.state import state_of


class ServiceUnavailable(LookupError):
    pass


def call_service(name, /, **kwargs):
    """Call the service ``<plugin>.<service>``; raises ServiceUnavailable when no loaded
    plugin offers it (e.g. the plugin is not installed)."""
    service = state_of().services.get(name)
    if service is None:
        raise ServiceUnavailable(f"服务不可用：{name}")
    return service(**kwargs)


def _settings_unchanged(settings, from_version):
    return settings


@dataclass(frozen=True)
class BlockType:
    """One block a plugin offers: ``name`` must match a ``blocks`` entry of its manifest,
    which holds the static facts (title, icon, settings schema and its ``settings_version``,
    the events it ``emits``, the ``actions`` it accepts with their input schemas).

    ``render(settings, context)`` returns HTML for the workbench; ``context`` carries the
    actor and the org node. ``permission`` is what a viewer needs to see the block; the core
    checks it and catches a failing render (``core.plugin_system.blocks.render_block``).

    ``actions`` maps each action name of the manifest entry to ``run(input, context)``, which
    a trigger calls with the action's input (already validated by its input schema).
    ``migrate_settings(settings, from_version)`` turns settings saved under an older
    ``settings_version`` into current ones; it is required once the version passes 1.
    """

    plugin: str
    name: str
    render: Callable = field(compare=False)
    permission: str = ""
    actions: Mapping[str, Callable] = field(default_factory=dict, compare=False)
    migrate_settings: Callable = field(default=_settings_unchanged, compare=False)
