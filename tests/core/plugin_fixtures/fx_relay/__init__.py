"""Relays another plugin's event into a table of its own (the end-to-end events test)."""
