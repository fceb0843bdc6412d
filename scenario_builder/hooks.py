"""The scenario builder, registered through the same hooks as any plugin (entry point
``gridwork.plugins``: ``scenario_builder``). It imports only ``core.public``."""

from core.public import NavEntry, hookimpl
from scenario_builder import placements, triggers, web, workbench
from scenario_builder.permissions import MANAGE


@hookimpl
def gridwork_blueprints():
    return web.blueprints()


@hookimpl
def gridwork_nav_entries():
    return [NavEntry("scenario_builder.index", "治理场景", MANAGE, 70)]


@hookimpl
def gridwork_workbench_items(session, actor):
    return workbench.items_for(session, actor)


@hookimpl
def gridwork_sample_records(session, org_path, marker):
    from scenario_builder.sample_records import create_sample_records  # only the test suite calls this hook

    return create_sample_records(session, org_path, marker)


@hookimpl
def gridwork_event_handlers():
    return [triggers.handler()]


@hookimpl
def gridwork_block_placements(session, org_path):
    return placements.placements_at(session, org_path)
