"""The plugin's name and its permission names, spelled once. manifest.json declares the
permissions (titles, default role packages); code refers to them only through these
constants, so a misspelt name is an ImportError, not a check that silently never passes."""

PLUGIN = "resident_info"

READ = f"{PLUGIN}.read"  # residents, masked
READ_SENSITIVE = f"{PLUGIN}.read_sensitive"  # full ID numbers and phones, each view audited
READ_HEALTH = f"{PLUGIN}.read_health"  # health and disability tags
WRITE = f"{PLUGIN}.write"
IMPORT = f"{PLUGIN}.import"
EXPORT = f"{PLUGIN}.export"
MANAGE_FIELDS = f"{PLUGIN}.manage_fields"
