"""Implements a hook that does not exist (gridwork_blueprintz)."""
