"""One scenario block; its settings schema lives in the manifest."""

from markupsafe import escape

from core.public import BlockType, hookimpl


def render_greeting(settings, context):
    return f'<p class="greeting">{escape(settings["text"])}</p>'


@hookimpl
def gridwork_blocks():
    return [BlockType("fx_blocks", "greeting", render_greeting, "fx_blocks.view")]
