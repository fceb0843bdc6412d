"""Writes notes at org nodes from an event handler and a scheduled job (frozen: refused)."""
