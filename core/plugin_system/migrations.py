"""Migrations of the core and every loaded plugin (each plugin owns an Alembic branch).

Only ``gridwork db upgrade`` and ``gridwork demo`` call this: nothing migrates implicitly
when a plugin loads.
"""

from core.bootstrap import ensure_default_packages
from core.db import session_scope
from core.migrate import upgrade
from core.plugin_system.default_packages import manifest_default_permissions
from core.state import state_of


def plugin_migration_folders(host):
    folders = []
    for plugin in host.loaded():
        folder = plugin.manifest.migrations_folder() if plugin.manifest else None
        if folder is not None and folder.is_dir():
            folders.append(folder)
    return folders


def upgrade_all(app):
    """Apply core and plugin migrations, then make sure default packages carry the default
    permissions plugin manifests give them (additions only). Returns the revisions applied
    (``core.migrate.upgrade``)."""
    host = state_of(app).host
    applied = upgrade(app.config["DATABASE_URL"], plugin_migration_folders(host))
    with session_scope(app) as db:
        ensure_default_packages(db, manifest_default_permissions(host))
    return applied
