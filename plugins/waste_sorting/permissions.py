"""The plugin's name and its permission names, spelled once (titles and default role
packages are in manifest.json)."""

PLUGIN = "waste_sorting"

INSPECT = f"{PLUGIN}.inspect"  # record inspections and re-checks
MANAGE = f"{PLUGIN}.manage"  # collection points (community) and checklists (county, street)
AWARD = f"{PLUGIN}.award"  # household points: award and correct
READ = f"{PLUGIN}.read"  # points, inspections, rectifications, the points wall, trends
