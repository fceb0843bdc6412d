"""The core is its own first plugin: its pages, permissions, menu and commands come through
the same hooks third-party plugins use (Datasette's ``default_*`` modules)."""

from core.blueprints import core_blueprints
from core.commands import core_commands
from core.hookspecs import hookimpl
from core.permissions.catalogue import CORE_PERMISSIONS
from core.plugin_system.enablement import CORE_EVENT_TYPES
from core.samples import core_sample_records
from core.ui.nav import CORE_NAV


@hookimpl
def gridwork_blueprints():
    return core_blueprints()


@hookimpl
def gridwork_permissions():
    return list(CORE_PERMISSIONS)


@hookimpl
def gridwork_nav_entries():
    return list(CORE_NAV)


@hookimpl
def gridwork_cli_commands():
    return core_commands()


@hookimpl
def gridwork_event_types():
    return list(CORE_EVENT_TYPES)


@hookimpl
def gridwork_sample_records(session, org_path, marker):
    return core_sample_records(session, org_path, marker)
