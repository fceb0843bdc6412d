"""Declares events: one in the manifest (schema file), one through the hook."""
