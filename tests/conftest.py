"""Gridwork's fixtures come from the ``core.testing`` pytest plugin (entry point ``pytest11``)."""
