"""hooks.py imports a module that does not exist."""
