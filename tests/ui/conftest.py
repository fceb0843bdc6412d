"""Fixtures for the browser tests of the scenario builder and its workbench pages."""

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from core.db import session_scope

SCENES_FIXTURES = Path(__file__).resolve().parents[1] / "core" / "plugin_fixtures"
SCENES_COMMUNITY = "c1/s1/m1"


@pytest.fixture
def scenes_server(with_plugins, org_tree):
    """(app, server with ``.url``): scenario_builder and the test plugin fx_scenes switched on
    in community c1/s1/m1, served on a free loopback port in a thread."""
    app = with_plugins(
        "scenario_builder", "fx_scenes=fx_scenes.hooks", search_path=SCENES_FIXTURES, enabled_at=[SCENES_COMMUNITY]
    )
    yield from _served(app)


@pytest.fixture
def heat_wave_server(with_plugins, org_tree):
    """(app, server): the real resident_info, special_visits and scenario_builder switched on
    in county c1, with special_visits' default visit groups, served like ``scenes_server``."""
    from plugins.special_visits.groups.services import ensure_default_groups

    app = with_plugins("resident_info", "special_visits", "scenario_builder", enabled_at="c1")
    with app.app_context(), session_scope(app) as db:
        ensure_default_groups(db, "c1")
    yield from _served(app)


def _served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield app, server
    server.shutdown()
    thread.join(5)
