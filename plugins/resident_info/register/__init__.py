"""The register itself: residents and households, their checks (ID numbers, the record
schema, county extra fields), lists and filters, merging, what leaves the server (masking),
the events it publishes and the services it offers other plugins. No Flask request here:
``web/``, ``cli.py`` and the importer call ``services`` with a session and an ``Access``."""
