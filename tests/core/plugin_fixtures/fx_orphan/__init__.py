"""Depends on a plugin that is not installed."""
