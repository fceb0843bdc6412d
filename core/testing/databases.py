"""Fresh, fully migrated databases for tests: SQLite files, or PostgreSQL databases.

The schema is migrated once per test process into a template (core + every installed
plugin's migrations); each test then gets a copy — a file copy on SQLite, ``CREATE
DATABASE … TEMPLATE …`` on PostgreSQL — which is far faster than migrating again.

Safe under pytest-xdist: every worker is a process of its own with its own session
fixtures, so it migrates its own template (SQLite: under the worker's own ``tmp_path``;
PostgreSQL: a database named after the worker and a random suffix) and never touches
another worker's databases.
"""

import os
import shutil
import uuid
from pathlib import Path

TEST_DB_ENV = "GRIDWORK_TEST_DATABASE_URL"


def server_url():
    """The PostgreSQL server the tests use (``GRIDWORK_TEST_DATABASE_URL``), or "" for SQLite."""
    return os.environ.get(TEST_DB_ENV, "").strip()


def worker_id():
    """``gw0``, ``gw1`` … under pytest-xdist; ``main`` in a plain run."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


class SqliteDatabases:
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

    def close(self):
        pass


class PostgresDatabases:
    """CREATE DATABASE ... TEMPLATE is a file copy: far faster than migrating each time."""

    def __init__(self, url):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        self.server = make_url(url)
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        # The worker's name in every database it makes, so leftovers say whose they are.
        self.prefix = f"gw_{worker_id()}_{uuid.uuid4().hex[:8]}"
        self.template = f"{self.prefix}_tpl"

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
        name = f"{self.prefix}_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self._url(name)

    def drop(self, url):
        from sqlalchemy.engine import make_url

        self._execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self):
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self.admin.dispose()


def migrate_all(url):
    from core.migrate import upgrade

    upgrade(url, installed_plugin_migrations())


def installed_plugin_migrations():
    """Migration folders of every discoverable plugin, so a plugin's tests find its tables.

    Read from the manifests, without building an app (``gridwork db upgrade`` does the same
    for the plugins an app loads). A plugin whose manifest does not read is left out: the
    app then reports its load error.
    """
    import importlib.util

    from core.plugin_system.host import discover
    from core.plugin_system.manifest import ManifestError, read_manifest
    from core.plugin_system.registration import core_version

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


def database_factory(tmp_root):
    """A migrated-template factory for this process: PostgreSQL when configured, else SQLite."""
    url = server_url()
    factory = PostgresDatabases(url) if url else SqliteDatabases(tmp_root)
    factory.prepare(migrate_all)
    return factory
