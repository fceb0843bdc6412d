"""What users of a module see while it is on its way out: a notice on each of the module's own
pages (flagged: the notice and the dates; frozen: read-only), and the frozen state of its
scenario blocks (the core's block wrapper, ``render_block``)."""

from flask import request
from markupsafe import Markup, escape

from core.auth.actor import current_actor
from core.db import get_session
from core.lifecycle.states import lifecycle_at, live_steps
from core.plugin_system import blocks
from core.state import state_of
from core.timeutil import local_text

FROZEN_TEXT = "本模块已冻结（只读）：可以查看和导出，不能新增或修改。"


def page_notice():
    """The notice for the page being rendered, or "" (not a module page, or nothing planned)."""
    plugin = state_of().blueprint_owners.get(request.blueprint or "")
    if not plugin or plugin == "core" or not getattr(current_actor, "is_authenticated", False):
        return ""
    return notice_at(get_session(), plugin, current_actor.org_path)


def notice_at(db, plugin, path):
    here = lifecycle_at(live_steps(db, plugin), path)
    if here.state == "frozen":
        return FROZEN_TEXT
    if here.state != "flagged":
        return ""
    step = here.deciding
    parts = [(step.notice or "本模块即将下线").rstrip("。；; ")]
    if step.freeze_on:
        parts.append(f"{local_text(step.freeze_on)} 起只读")
    if step.retire_on:
        parts.append(f"{local_text(step.retire_on)} 下线（数据保留）")
    return "；".join(parts) + "。"


def render_block(db, block, settings, context, path):
    """A scenario block's HTML in the core's frame: as the plugin renders it while active or
    flagged, marked and without its actions while frozen, nothing where it is retired."""
    state = lifecycle_at(live_steps(db, block.plugin), path).state
    if state == "retired":
        return Markup("")
    inner = block.render(settings, context)
    if state == "frozen":
        return _frozen_frame(inner)
    return Markup(f'<section class="block" data-state="{state}">{inner}</section>')


def placed_block(block, settings, context):
    """``core.public.render_block``: the block as ``core.plugin_system.blocks.render_block``
    renders it (permission, error boundary), marked read-only where its module is frozen at
    ``context["org_path"]`` and nothing where it is retired — so a scenario shows the module's
    lifecycle without knowing about it."""
    return _placed(live_steps(get_session(), block.plugin), block, settings, context)


def block_renderer(context):
    """``core.public.block_renderer``: ``render(block, settings)`` for one page's blocks, each
    as ``placed_block`` renders it, with the live lifecycle rows read once for the page
    rather than once per block (a query each, a fifth of a 10-block workbench)."""
    steps = live_steps(get_session())
    by_plugin = {}
    for step in steps:
        by_plugin.setdefault(step.plugin, []).append(step)

    def render(block, settings):
        return _placed(by_plugin.get(block.plugin, []), block, settings, context)

    return render


def _placed(steps, block, settings, context):
    state = lifecycle_at(steps, context.get("org_path") or "").state
    if state == "retired":
        return Markup("")
    inner = blocks.render_block(block, settings, context)
    return _frozen_frame(inner) if state == "frozen" and inner else inner


def _frozen_frame(inner):
    return Markup(
        f'<section class="block block-frozen" data-state="frozen" inert>'
        f'<p class="block-state">{escape(FROZEN_TEXT)}</p>{inner}</section>'
    )
