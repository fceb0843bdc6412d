"""What plugins offer beyond pages: services other plugins call through the core (so no plugin
imports another) and scenario blocks (功能块) for the scenario builder."""

from collections.abc import Callable
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


@dataclass(frozen=True)
class BlockType:
    """One block a plugin offers: ``name`` must match a ``blocks`` entry of its manifest,
    whose ``settings_schema`` describes the settings an admin will give it (nothing checks
    them until the scenario builder renders blocks).

    ``render(settings, context)`` returns HTML for the workbench; ``context`` carries the
    actor and the org node. ``permission`` is what a viewer needs to see the block.
    """

    plugin: str
    name: str
    render: Callable = field(compare=False)
    permission: str = ""
