"""Schema migrations through Alembic. Nothing migrates implicitly: only ``gridwork db upgrade``
(and ``gridwork demo``) call ``upgrade``."""
import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
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
    command.upgrade(alembic_config(database_url, version_locations), revision)


def current_heads(database_url):
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return set(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()
