"""Rendering a block (功能块) on a workbench: the core, not the plugin, checks the viewer's
permission and contains a failing block, so one broken plugin never breaks the page."""

import logging
from dataclasses import dataclass

from markupsafe import Markup

from core.db import get_session
from core.permissions.access import can
from core.state import state_of

log = logging.getLogger(__name__)

UNAVAILABLE = Markup('<div class="block-unavailable" role="status">该功能块暂不可用</div>')


def render_block(block, settings, context):
    """HTML of ``block`` for ``context["actor"]`` at ``context["org_path"]``: nothing when the
    viewer lacks the block's permission there, "该功能块暂不可用" (logged) when it fails.

    Every lifecycle check on a placed block (disabled, frozen, retired) belongs in this one
    function, so the rule stays in one place."""
    actor, org_path = context.get("actor"), context.get("org_path") or ""
    if block.permission and not can(actor, block.permission, org_path):
        return Markup("")
    try:
        return Markup(block.render(settings, context))
    except Exception:  # a block is someone else's code: contain whatever it raises
        log.exception("block %s.%s failed to render at %s", block.plugin, block.name, org_path)
        get_session().rollback()  # a failed statement must not poison the other blocks' reads
        return UNAVAILABLE


@dataclass(frozen=True)
class BlockOffer:
    """A loaded block as the scenario builder sees it: the plugin's code (``block``) and its
    manifest entry (``entry``: title, icon, settings schema and version, emits, actions)."""

    plugin: str
    name: str
    block: object
    entry: dict
    plugin_title: str


def block_offers():
    """{(plugin, block name): BlockOffer} of every loaded plugin (a new dict; the offers are
    shared). Built once per app: the blocks are registered when the app is created, and a
    save or a workbench page asks for them several times per request."""
    state = state_of()
    if not state.block_offers or state.block_offers[0] is not state.blocks:
        state.block_offers = (state.blocks, _offers_of(state))
    return dict(state.block_offers[1])


def _offers_of(state):
    offers = {}
    for (plugin, name), (block, _schema) in state.blocks.items():
        manifest = state.host.get(plugin).manifest
        offers[(plugin, name)] = BlockOffer(
            plugin, name, block, manifest.block_entries()[name], manifest.data["title"]["zh"]
        )
    return offers


def plugin_enabled_at(plugin, org_path):
    """Is ``plugin`` switched on at ``org_path``?"""
    return state_of().policy.plugin_enabled(plugin, org_path)


def event_payload_schema(event_name):
    """The payload JSON Schema of the registered event ``<plugin>.<name>``, or None."""
    event_type = state_of().bus.types.get(event_name)
    return None if event_type is None else event_type.schema


def event_title(event_name):
    """The Chinese title a manifest gives the event ``<plugin>.<name>`` ("居民新增了标签"), or None."""
    plugin_name, _, name = event_name.partition(".")
    plugin = state_of().host.get(plugin_name)
    emits = plugin.manifest.data.get("events", {}).get("emits", []) if plugin else []
    return next((e["title"]["zh"] for e in emits if e["name"] == name), None)
