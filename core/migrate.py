"""Schema migrations through Alembic. Nothing migrates implicitly: only ``gridwork db upgrade``
(and ``gridwork demo``) call ``upgrade``."""

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url

from core.db import make_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url, version_locations=()):
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    locations = [str(MIGRATIONS / "versions"), *map(str, version_locations)]
    # Alembic splits this option on the separator; os.pathsep keeps paths with spaces intact.
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(locations))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url, version_locations=(), revision="heads"):
    """Apply every missing revision; returns them in the order applied as
    ``(revision id, its docstring's first paragraph)`` — empty when the schema was up to date."""
    _create_sqlite_folder(database_url)
    config = alembic_config(database_url, version_locations)
    applied = []

    def note(step, **_):
        if step.is_upgrade:
            script = step.revision_map.get_revision(step.up_revision_id)
            applied.append((step.up_revision_id, " ".join((script.doc or "").split())))

    config.attributes["on_version_apply"] = note
    command.upgrade(config, revision)
    return applied


def _create_sqlite_folder(database_url):
    """SQLite creates the database file but not its folder (the instance folder, by default):
    only migrating creates the database, so only migrating creates the folder."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def current_heads(database_url):
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return set(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()
