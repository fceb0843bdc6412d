"""Gridwork's fixtures come from the ``core.testing`` pytest plugin (entry point ``pytest11``).
Browser tests drive Debian's Chromium: Playwright cannot download its own here."""

import pytest

# pytester: tests that run pytest on a small test file (the contract test of core.testing's hook spy).
pytest_plugins = ["pytester"]

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
