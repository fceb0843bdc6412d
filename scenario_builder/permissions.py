"""scenario_builder's permissions (declared in manifest.json)."""

PLUGIN = "scenario_builder"
MANAGE = f"{PLUGIN}.manage"
USE = f"{PLUGIN}.use"
