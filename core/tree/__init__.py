"""The org tree's bottom layer: path rules, the OrgNode table, regions of the tree where a
plugin is enabled, and data scopes. Everything above (orgs, permissions, plugins) builds on
these; this package imports nothing of the core but ``core.db`` and ``core.timeutil``."""
