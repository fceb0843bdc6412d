"""Shared by the plugin-system tests: building apps with the small fixture plugins."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "plugin_fixtures"


@pytest.fixture
def plugged(with_plugins):
    """``plugged("fx_pages", …, enabled_at=…)`` → an app with these fixture plugins."""

    def build(*names, search_path=(), **kwargs):
        specs = [f"{name}={name}.hooks" for name in names]
        return with_plugins(*specs, search_path=[FIXTURES, *search_path], **kwargs)

    return build
