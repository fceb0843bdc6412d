"""Handles fx_events.noted from another plugin."""
