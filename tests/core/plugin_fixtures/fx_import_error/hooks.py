"""Fails on import: a dependency that is not installed."""

import fx_import_error_missing_dependency  # noqa: F401
