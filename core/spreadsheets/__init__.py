"""Spreadsheets in and out, for the core and every plugin: ``read`` (CSV in UTF-8 or
GB18030, comma or tab; .xlsx; size and row limits) and ``write`` (formula-safe CSV and
.xlsx). A low layer: it knows no plugin, no table and no request, and imports nothing from
the core but ``core.api.errors``. Plugins reach it through ``core.public``."""
