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

    upgrade(url)


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
