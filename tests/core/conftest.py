"""Shared by the plugin-system tests: building apps with the small fixture plugins."""

from pathlib import Path

import pytest

from core.testing import signed_in_client

FIXTURES = Path(__file__).parent / "plugin_fixtures"


@pytest.fixture
def plugged(with_plugins):
    """``plugged("fx_pages", …, enabled_at=…)`` → an app with these fixture plugins."""

    def build(*names, search_path=(), **kwargs):
        specs = [f"{name}={name}.hooks" for name in names]
        return with_plugins(*specs, search_path=[FIXTURES, *search_path], **kwargs)

    return build


M1, M12 = "c1/s1/m1", "c1/s1/m12"


@pytest.fixture
def people(make_user, org_tree):
    return {
        "county": make_user("county_admin", "c1"),
        "street": make_user("street_admin", "c1/s1"),
        "m1": make_user("community_admin", M1),
        "m12": make_user("community_admin", M12),
    }


@pytest.fixture
def sign_in_as(people):
    """``sign_in_as(app, "m1")`` → a client of ``app`` signed in as that person."""

    def client_for(app, who):
        return signed_in_client(app, people[who])

    return client_for
