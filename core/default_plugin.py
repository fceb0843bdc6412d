"""The core is its own first plugin: its pages, permissions, menu and commands come through
the same hooks third-party plugins use (Datasette's ``default_*`` modules)."""
from core.hookspecs import hookimpl


@hookimpl
def gridwork_blueprints():
    from core.blueprints import core_blueprints

    return core_blueprints()


@hookimpl
def gridwork_permissions():
    from core.permissions.catalogue import CORE_PERMISSIONS

    return list(CORE_PERMISSIONS)


@hookimpl
def gridwork_nav_entries():
    from core.ui.nav import CORE_NAV

    return list(CORE_NAV)


@hookimpl
def gridwork_cli_commands():
    from core.cli import core_commands

    return core_commands()


@hookimpl
def gridwork_event_types():
    from core.plugin_system.core_events import CORE_EVENT_TYPES

    return list(CORE_EVENT_TYPES)


@hookimpl
def gridwork_sample_records(session, org_path, marker):
    from core.testing.cross_tenant import core_sample_records  # only the test suite calls this hook

    return core_sample_records(session, org_path, marker)
