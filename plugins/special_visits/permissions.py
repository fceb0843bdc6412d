"""The plugin's name and its permission names, spelled once (manifest.json gives their titles
and default role packages)."""

PLUGIN = "special_visits"

ROSTER_READ = f"{PLUGIN}.roster_read"  # rosters and due lists, masked
VISIT_RECORD = f"{PLUGIN}.visit_record"  # record a visit
ASSIGN = f"{PLUGIN}.assign"  # choose who visits a resident (override)
GROUP_MANAGE = f"{PLUGIN}.group_manage"  # define target groups (county or street)
COVERAGE_READ = f"{PLUGIN}.coverage_read"  # the coverage board and its exports

GRID_WORKER_PACKAGE = "grid_feedback_worker"
COMMUNITY_ADMIN_PACKAGE = "community_admin"
