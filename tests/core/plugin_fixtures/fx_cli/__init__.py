"""Adds `gridwork fx_cli hello`."""
