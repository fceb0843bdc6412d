"""Gridwork's pytest plugin: the fixtures built-in and third-party plugins test with.

Registered through the ``pytest11`` entry point, so any package that installs gridwork
gets ``app``, ``client``, ``db_session``, ``login_as`` and friends.

Database choice: SQLite by default; set ``GRIDWORK_TEST_DATABASE_URL`` to a PostgreSQL
server URL (``postgresql+psycopg://user@127.0.0.1:5432/postgres``) to run the same tests
there. Each test gets a fresh, fully migrated database copied from a template migrated
once per session.
"""
import os
import shutil
import uuid
from pathlib import Path

import pytest

TEST_DB_ENV = "GRIDWORK_TEST_DATABASE_URL"


def _server_url():
    return os.environ.get(TEST_DB_ENV, "").strip()


class _SqliteDatabases:
    def __init__(self, root):
        self.root = Path(root)
        self.template = self.root / "template.sqlite"

    def prepare(self, migrate):
        migrate(f"sqlite:///{self.template}")

    def fresh(self):
        path = self.root / f"{uuid.uuid4().hex}.sqlite"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def drop(self, url):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)


class _PostgresDatabases:
    """CREATE DATABASE ... TEMPLATE is a file copy: far faster than migrating each time."""

    def __init__(self, server_url):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.server = make_url(server_url)
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT", poolclass=_null_pool())
        self.template = f"gw_tpl_{uuid.uuid4().hex[:12]}"

    def _url(self, name):
        return self.server.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql):
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def prepare(self, migrate):
        self._execute(f'CREATE DATABASE "{self.template}"')
        migrate(self._url(self.template))

    def fresh(self):
        name = f"gw_{uuid.uuid4().hex[:16]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self._url(name)

    def drop(self, url):
        from sqlalchemy.engine import make_url

        self._execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self):
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self.admin.dispose()


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def _migrate_all(url):
    from core.migrate import upgrade

    upgrade(url, installed_plugin_migrations())


def installed_plugin_migrations():
    """Migration folders of every discoverable plugin, so a plugin's tests find its tables.

    Read from the manifests, without building an app (``gridwork db upgrade`` does the same
    for the plugins an app loads). A plugin whose manifest does not read is left out: the
    app then reports its load error.
    """
    import importlib.util

    from core.plugin_system.discovery import discover
    from core.plugin_system.manifest import ManifestError, read_manifest
    from core.plugin_system.setup import core_version

    folders = []
    for candidate in discover({}):
        try:
            spec = importlib.util.find_spec(candidate.module)
            manifest = read_manifest(Path(spec.origin).parent, candidate.name, core_version())
        except (ImportError, ValueError, AttributeError, TypeError, ManifestError):
            continue
        folder = manifest.migrations_folder()
        if folder is not None and folder.is_dir():
            folders.append(folder)
    return folders


@pytest.fixture(scope="session")
def gridwork_databases(tmp_path_factory):
    """Makes fresh migrated databases (SQLite files, or PostgreSQL databases)."""
    server = _server_url()
    factory = _PostgresDatabases(server) if server else _SqliteDatabases(tmp_path_factory.mktemp("gwdb"))
    factory.prepare(_migrate_all)
    yield factory
    if server:
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
TEST_PASSWORD = "correct-horse-battery"


def build_tree(db, rows=STANDARD_TREE):
    """Insert org nodes given as (id, parent id, kind, name); returns {id: path}."""
    from core.orgs.models import OrgNode

    paths = {}
    for node_id, parent_id, kind, name in rows:
        path = node_id if parent_id is None else f"{paths[parent_id]}/{node_id}"
        paths[node_id] = path
        db.add(OrgNode(id=node_id, parent_id=parent_id, kind=kind, name=name, path=path, depth=path.count("/")))
    db.flush()
    return paths


class GridworkClient:
    """Wraps Flask's test client: sends the CSRF token the way pages do (``X-CSRFToken``),
    unless a test passes ``csrf=False`` to see the refusal."""

    def __init__(self, flask_client):
        self.raw = flask_client
        self._token = None

    def csrf_token(self, refresh=False):
        import re

        if self._token is None or refresh:
            html = self.raw.get("/login").get_data(as_text=True)
            self._token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
        return self._token

    def open(self, path, method="GET", csrf=True, headers=None, **kwargs):
        headers = dict(headers or {})
        if csrf and method in ("POST", "PUT", "PATCH", "DELETE") and "Authorization" not in headers:
            headers.setdefault("X-CSRFToken", self.csrf_token())
        return self.raw.open(path, method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.open(path, "GET", **kwargs)

    def post(self, path, **kwargs):
        return self.open(path, "POST", **kwargs)

    def put(self, path, **kwargs):
        return self.open(path, "PUT", **kwargs)

    def patch(self, path, **kwargs):
        return self.open(path, "PATCH", **kwargs)

    def delete(self, path, **kwargs):
        return self.open(path, "DELETE", **kwargs)

    def login(self, username, password=TEST_PASSWORD):
        self._token = None
        response = self.post("/login", data={"username": username, "password": password})
        self._token = None  # the session (and so the CSRF token) was replaced
        return response

    def logout(self):
        return self.post("/logout")


@pytest.fixture
def app(test_config):
    from core.app import create_app
    from core.bootstrap import ensure_default_packages
    from core.db import session_scope

    from core.plugin_system.defaults import manifest_default_permissions

    app = create_app(test_config)
    with app.app_context():
        with session_scope(app) as db:
            ensure_default_packages(db, manifest_default_permissions(app.extensions["gridwork.plugins"]))
    yield app
    from core.db import engine_of

    engine_of(app).dispose()


@pytest.fixture
def client(app):
    return GridworkClient(app.test_client())


@pytest.fixture
def db_session(app):
    """A session on the app's database, inside an app context (commits are real)."""
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
            user = User(username=username or f"{package or 'user'}_{next(counter)}", display_name="测试用户",
                        org_path=org_path, password_hash=password_hash)
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


def sign_in_page(page, live_server, username, password=TEST_PASSWORD):
    """Sign ``username`` in through the real login page of ``live_server`` in a Playwright
    ``page``; returns once the home page is shown."""
    import re

    from playwright.sync_api import expect  # only browser tests need Playwright

    page.goto(f"{live_server.url}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/$"))


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
    from core.app import create_app
    from core.bootstrap import ensure_default_packages
    from core.db import session_scope
    from core.plugin_system.defaults import manifest_default_permissions

    app = create_app(config)
    with app.app_context(), session_scope(app) as db:
        ensure_default_packages(db, manifest_default_permissions(app.extensions["gridwork.plugins"]))
    return app


def _enable_plugins(app, names, paths):
    from core.db import session_scope
    from core.plugin_system.service import set_state

    host = app.extensions["gridwork.plugins"]
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
