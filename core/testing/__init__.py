"""Gridwork's pytest plugin: the fixtures built-in and third-party plugins test with.

Registered through the ``pytest11`` entry point, so any package that installs gridwork
gets ``app``, ``client``, ``db_session``, ``login_as`` and friends, plus plain helpers:
``GridworkClient``, ``signed_in_client``, ``render_block``, ``rows``, ``published_events``, ``assert_published``
and the cross-tenant matrix (``core.testing.cross_tenant``).

Database choice: SQLite by default; set ``GRIDWORK_TEST_DATABASE_URL`` to a PostgreSQL
server URL (``postgresql+psycopg://user@127.0.0.1:5432/postgres``) to run the same tests
there. Each test gets a fresh, fully migrated database copied from a template migrated
once per test process (``core.testing.databases``; safe under pytest-xdist).

Why the imports inside fixtures: pytest loads this plugin in every test process of every
package that installs gridwork, before collection — importing the app, Alembic and the
plugin machinery here would add their start-up time to every run, even one that selects a
single unrelated test. Each fixture imports what it uses when it first runs.

A test named ``test_hook_<hook>`` (``test_hook_gridwork_usage_figures``) must make the core
call that hook on some plugin other than the core itself; it fails otherwise
(``core.testing.hook_spy``).
"""

from pathlib import Path

import pytest

from core.state import state_of
from core.testing.blocks import render_block
from core.testing.client import TEST_PASSWORD, GridworkClient, sign_in_page, signed_in_client
from core.testing.cross_tenant import CrossTenantMatrix, cross_tenant_matrix, default_package_names
from core.testing.databases import TEST_DB_ENV, database_factory, installed_plugin_migrations
from core.testing.hook_spy import HookCalls, hook_calls, pytest_runtest_call, spy_on_hook_tests
from core.testing.records import assert_published, json_value, published_events, rows
from core.testing.threads import no_background_loop_outlives_its_test

__all__ = [
    "STANDARD_TREE",
    "TEST_DB_ENV",
    "TEST_PASSWORD",
    "CrossTenantMatrix",
    "GridworkClient",
    "HookCalls",
    "assert_published",
    "build_tree",
    "default_package_names",
    "installed_plugin_migrations",
    "json_value",
    "published_events",
    "render_block",
    "rows",
    "sign_in_page",
    "signed_in_client",
]
# Fixtures and pytest hooks defined elsewhere, imported so that pytest finds them here.
_PLUGIN_MEMBERS = (
    cross_tenant_matrix,
    hook_calls,
    spy_on_hook_tests,
    pytest_runtest_call,
    no_background_loop_outlives_its_test,
)


@pytest.fixture(scope="session")
def gridwork_databases(tmp_path_factory):
    """Makes fresh migrated databases (SQLite files, or PostgreSQL databases); one template
    per test process, so each pytest-xdist worker has its own."""
    factory = database_factory(tmp_path_factory.mktemp("gwdb"))
    yield factory
    factory.close()


@pytest.fixture
def database_url(gridwork_databases):
    """URL of a fresh, migrated database for this test."""
    url = gridwork_databases.fresh()
    yield url
    gridwork_databases.drop(url)


@pytest.fixture
def engine(database_url):
    from core.db import make_engine

    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def test_config(database_url, tmp_path):
    """Configuration for the ``app`` fixture; override it in a test module to change settings."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "SESSION_COOKIE_SECURE": False,  # the test client speaks plain http
        "REMEMBER_COOKIE_SECURE": False,
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }


# ---------------------------------------------------------------- app-level fixtures

# A tree with prefix traps: m1/m12 and g1/g10 share leading characters; s1 and s2 are
# siblings, so m2 is a "cousin" of m1.
STANDARD_TREE = (
    ("c1", None, "county", "示范县"),
    ("s1", "c1", "street", "东湖街道"),
    ("s2", "c1", "street", "西山镇"),
    ("m1", "s1", "community", "幸福社区"),
    ("m12", "s1", "community", "和平社区"),
    ("m2", "s2", "community", "青山村"),
    ("g1", "m1", "grid", "幸福一网格"),
    ("g10", "m12", "grid", "和平十网格"),
    ("g2", "m2", "grid", "青山二网格"),
)


def build_tree(db, rows=STANDARD_TREE):
    """Insert org nodes given as (id, parent id, kind, name); returns {id: path}."""
    from core.tree.models import OrgNode

    paths = {}
    for node_id, parent_id, kind, name in rows:
        path = node_id if parent_id is None else f"{paths[parent_id]}/{node_id}"
        paths[node_id] = path
        db.add(OrgNode(id=node_id, parent_id=parent_id, kind=kind, name=name, path=path, depth=path.count("/")))
    db.flush()
    return paths


@pytest.fixture
def app(test_config):
    """A fresh app on this test's database, built like ``with_plugins`` builds its apps."""
    from core.db import engine_of

    app = _app_with_plugins(test_config)
    yield app
    engine_of(app).dispose()


@pytest.fixture
def clock():
    """The one clock (``core.public.clock``), frozen at 2026-12-03 09:00 Beijing time for the
    test and back to the system time afterwards: ``clock.set(datetime or date)``,
    ``clock.advance(minutes=5)``, ``clock.now()``, ``clock.today()``. Tests of due dates,
    overdue lists and scheduled jobs move it instead of sleeping."""
    from datetime import datetime

    from core.timeutil import clock as the_clock

    the_clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=the_clock.zone))
    yield the_clock
    the_clock.reset()


def run_due_jobs(app):
    """Run every scheduled job whose current period (by the clock) has not run, as a scheduler
    thread would, in this thread: ``{job name: outcome}`` ("done", "skipped", "failed", …)."""
    from core.scheduler.runner import Scheduler

    with app.app_context():
        return Scheduler(app, owner_suffix="test").tick()


@pytest.fixture
def client(app):
    return GridworkClient(app.test_client())


@pytest.fixture
def db_session(app):
    """A session on the app's database, inside an app context (commits are real).

    The app context stays pushed for the whole test, and ``client`` requests made meanwhile
    still get an app context (and so a ``flask.g``) of their own, as in production: see
    ``_own_app_context_per_request``."""
    from core.db import GridworkSession, engine_of

    with app.app_context():
        with GridworkSession(engine_of(app), expire_on_commit=False) as session:
            yield session


@pytest.fixture
def org_tree(app):
    """The standard prefix-trap tree; returns {node id: path}."""
    from core.db import session_scope

    with app.app_context(), session_scope(app) as db:
        return build_tree(db)


@pytest.fixture
def make_user(app):
    """``make_user(package, org_path, username=None)`` → a user granted ``package`` at ``org_path``."""
    from core.auth.models import User
    from core.auth.passwords import hash_password
    from core.db import session_scope
    from core.permissions.store import grant_package

    counter = iter(range(1, 10_000))
    password_hash = hash_password(TEST_PASSWORD)

    def make(package=None, org_path="c1", username=None):
        with app.app_context(), session_scope(app) as db:
            user = User(
                username=username or f"{package or 'user'}_{next(counter)}",
                display_name="测试用户",
                org_path=org_path,
                password_hash=password_hash,
            )
            db.add(user)
            db.flush()
            if package:
                grant_package(db, user.id, package, org_path)
            return user

    return make


@pytest.fixture
def login_as(client, make_user):
    """``login_as(role_package, org_path)``: a new user with that grant, signed in on ``client``."""

    def login(package, org_path="c1", username=None):
        user = make_user(package, org_path, username)
        response = client.login(user.username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


@pytest.fixture
def sign_in(make_user, org_tree):
    """``sign_in(app, package="county_admin", org_path="c1")`` → a new ``GridworkClient`` of
    ``app`` (e.g. one from ``with_plugins``) signed in as a new user granted ``package`` at
    ``org_path``. The standard tree is there."""

    def client_for(app, package="county_admin", org_path="c1"):
        return signed_in_client(app, make_user(package, org_path))

    return client_for


@pytest.fixture
def live_server(app):
    """The app served on a free loopback port in a thread, for browser tests."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    thread.join(5)


# ---------------------------------------------------------------- plugins under test


@pytest.fixture
def with_plugins(test_config, monkeypatch):
    """``with_plugins(*specs, enabled_at=(), search_path=None, **config)`` → a new app that
    loads these plugins and has them switched on where the test says.

    - ``specs``: ``"name=module.path.hooks"`` for a plugin not installed as a distribution
      (added to ``EXTRA_PLUGINS``), or a bare ``"name"`` for one installed through the
      ``gridwork.plugins`` entry point (then only enabled).
    - ``enabled_at``: an org path or a list of them; every named plugin is enabled there
      through the same service the plugins page uses (audited, actor ``"test"``). A named
      plugin that failed to load makes the call raise with its load error.
    - ``search_path``: a folder (or a list of them) put on ``sys.path`` for this test only;
      modules imported from it are forgotten afterwards, so each test imports its plugins
      afresh and two tests may use different plugins of one name.
    - other keywords are configuration (``PLUGINS_AUTOLOAD=False``, ``PLUGINS_ALLOW=[…]``, …).

    The app shares the database of the ``app`` fixture (same ``database_url``: users from
    ``make_user`` and the ``org_tree`` nodes are there), and its default role packages carry
    the permissions the plugins' manifests give them. It checks the policy version on every
    decision (``POLICY_CHECK_INTERVAL=0``), so grants made through the ``app`` fixture count
    at once. Call it as often as you like::

        def test_my_page_for_one_community(with_plugins, org_tree, make_user):
            app = with_plugins("my_plugin", enabled_at="c1/s1/m1")
            client = GridworkClient(app.test_client())
            client.login(make_user("community_admin", "c1/s1/m1").username)
            assert client.get("/my_plugin/").status_code == 200
    """
    from core.db import engine_of

    built, folders = [], []

    def build(*specs, enabled_at=(), search_path=None, **config):
        for folder in [search_path] if isinstance(search_path, (str, Path)) else list(search_path or ()):
            monkeypatch.syspath_prepend(str(folder))
            folders.append(Path(folder).resolve())
        names = [spec.partition("=")[0].strip() for spec in specs]
        extra = [*(spec for spec in specs if "=" in spec), *config.pop("EXTRA_PLUGINS", [])]
        # Interval 0: grants made through the ``app`` fixture (make_user) count at once here too.
        app = _app_with_plugins({**test_config, "POLICY_CHECK_INTERVAL": 0, **config, "EXTRA_PLUGINS": extra})
        built.append(app)
        paths = [enabled_at] if isinstance(enabled_at, str) else list(enabled_at)
        _enable_plugins(app, names, paths)
        return app

    yield build
    for app in built:
        engine_of(app).dispose()
    _forget_modules_under(folders)


def _app_with_plugins(config):
    """The one way the fixtures build an app: ``create_app``, the default role packages with
    the manifests' permissions, and an app context of its own for every request."""
    from core.app import create_app
    from core.bootstrap import ensure_default_packages
    from core.db import session_scope
    from core.plugin_system.default_packages import manifest_default_permissions

    app = create_app(config)
    _own_app_context_per_request(app)
    with app.app_context(), session_scope(app) as db:
        ensure_default_packages(db, manifest_default_permissions(state_of(app).host))
    return app


def _own_app_context_per_request(app):
    """Give every request an app context of its own, even while a test holds one open.

    Flask (3.1) reuses an app context that is already pushed for the same app when a request
    starts, instead of pushing a new one. A test inside ``with app.app_context():`` — or
    using ``db_session``, which keeps one pushed — would then run all its ``client``
    requests in ONE app context, sharing ``flask.g`` across requests and never running the
    app-context teardown between them: Flask-Login's cached user (``g._login_user``) sticks to
    the first user (``/api/v1/me`` never changes), Flask-WTF's cached CSRF token
    (``g.csrf_token``) belongs to the session before login (403 on every form and on logout),
    and the request's database session (``g.db_session``) is never closed. In production
    there is never an outer app context, so each request pushing its own is what the app
    really sees.
    """
    import sys

    from flask import current_app, has_app_context
    from flask.ctx import RequestContext

    not_given = object()

    class OwnAppContext(RequestContext):
        def push(self):
            fresh = None
            if not self._cv_tokens and has_app_context() and current_app._get_current_object() is self.app:
                fresh = self.app.app_context()
                fresh.push()
            self._gridwork_fresh_contexts = [*getattr(self, "_gridwork_fresh_contexts", []), fresh]
            super().push()

        def pop(self, exc=not_given):
            if exc is not_given:
                exc = sys.exc_info()[1]
            fresh = self._gridwork_fresh_contexts.pop()
            try:
                super().pop(exc)
            finally:
                if fresh is not None:
                    fresh.pop(exc)

    app.request_context = lambda environ: OwnAppContext(app, environ)


def _enable_plugins(app, names, paths):
    from core.db import session_scope
    from core.plugin_system.enablement import set_state

    host = state_of(app).host
    for name in names:
        if paths and host.get(name) is None:
            plugin = host.plugins.get(name)
            raise RuntimeError(f"插件 {name} 未加载：{plugin.error if plugin else '没有找到'}")
        for path in paths:
            with app.app_context(), session_scope(app) as db:
                set_state(db, host, name, path, "enabled", actor="test")


def _forget_modules_under(folders):
    """Drop modules imported from the test's plugin folders, so the next test imports its own."""
    import sys

    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and any(Path(file).resolve().is_relative_to(folder) for folder in folders):
            del sys.modules[name]
