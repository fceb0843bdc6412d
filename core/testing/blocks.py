"""``render_block``: a block's workbench HTML in a test, through the same wrapper the
workbench uses (permission check, error boundary)."""


def render_block(app, plugin, block, settings, actor=None, org_path=""):
    """HTML of the ``(plugin, block)`` block with ``settings`` as ``actor`` sees it at
    ``org_path`` — empty without the block's permission, "该功能块暂不可用" when it fails.
    ``actor`` is a ``core.public.actor_named`` actor (or any object ``can`` accepts)."""
    from core.plugin_system.blocks import render_block as render_wrapped
    from core.state import state_of

    block_type, _schema = state_of(app).blocks[(plugin, block)]
    with app.test_request_context("/"):
        return str(render_wrapped(block_type, settings, {"actor": actor, "org_path": org_path}))
