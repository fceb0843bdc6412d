"""Scenario blocks (功能块): what a plugin offers the scenario builder."""
from collections.abc import Callable
from dataclasses import dataclass, field


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
