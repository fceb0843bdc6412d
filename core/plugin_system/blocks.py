"""Rendering a block (功能块) on a workbench: the core, not the plugin, checks the viewer's
permission and contains a failing block, so one broken plugin never breaks the page."""

import logging

from markupsafe import Markup

from core.db import get_session
from core.permissions.access import can

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
