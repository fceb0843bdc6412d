"""Exporting a filtered list of residents as CSV or .xlsx, masked unless allowed, audited
(``services``). The files are written by the core's formula-safe spreadsheet writer."""
