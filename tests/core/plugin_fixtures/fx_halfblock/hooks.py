"""Refused late (its block is not in the manifest): none of its other contributions may stay."""

from core.public import BlockType, EventHandler, hookimpl


@hookimpl
def gridwork_blocks():
    return [BlockType("fx_halfblock", "undeclared", lambda settings, context: "")]


@hookimpl
def gridwork_services():
    return {"fx_halfblock.ping": lambda: "pong"}


@hookimpl
def gridwork_event_handlers():
    return [EventHandler("core.plugin_enabled", "fx_halfblock.listen", lambda event, session: None, "fx_halfblock")]
