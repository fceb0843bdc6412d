"""What special_visits contributes to Gridwork. Hooks only return data; permissions, event
types and block settings schemas come from manifest.json."""

from core.public import BlockType, EventHandler, NavEntry, get_session, hookimpl
from plugins.special_visits import web, workbench
from plugins.special_visits.permissions import COVERAGE_READ, GROUP_MANAGE, PLUGIN, ROSTER_READ, VISIT_RECORD
from plugins.special_visits.roster import alerts, jobs, soon
from plugins.special_visits.roster.round_facts import on_resident_events
from plugins.special_visits.web import blocks

RESIDENT_EVENTS = (
    "resident_registered",
    "resident_updated",
    "resident_tagged",
    "resident_untagged",
    "resident_moved_out",
    "resident_deceased",
    "resident_merged",
)


@hookimpl
def gridwork_blueprints():
    return web.blueprints()


@hookimpl
def gridwork_nav_entries():
    return [
        NavEntry(f"{PLUGIN}.index", "走访名单", ROSTER_READ, 110),
        NavEntry(f"{PLUGIN}.coverage", "走访覆盖率", COVERAGE_READ, 111),
        NavEntry(f"{PLUGIN}.groups", "走访对象类别", GROUP_MANAGE, 112),
    ]


@hookimpl
def gridwork_event_handlers():
    handlers = [
        EventHandler(f"resident_info.{name}", f"{PLUGIN}.roster_{name}", on_resident_events, PLUGIN, batch=True)
        for name in RESIDENT_EVENTS
    ]
    return handlers + [
        EventHandler("core.alert_issued", f"{PLUGIN}.alert_issued", alerts.on_alert_issued, PLUGIN),
        EventHandler("core.alert_lifted", f"{PLUGIN}.alert_lifted", alerts.on_alert_lifted, PLUGIN),
    ]


@hookimpl
def gridwork_scheduled_jobs():
    return jobs.JOBS


@hookimpl
def gridwork_blocks():
    return [
        BlockType(PLUGIN, "my_roster", blocks.render_my_roster, ROSTER_READ, {"visit_soon": soon.visit_soon}),
        BlockType(PLUGIN, "visit_form", blocks.render_visit_form, VISIT_RECORD),
        BlockType(PLUGIN, "coverage_board", blocks.render_coverage_board, COVERAGE_READ),
        BlockType(PLUGIN, "alert_panel", blocks.render_alert_panel, COVERAGE_READ),
    ]


@hookimpl
def gridwork_workbench_items(session, actor):
    return workbench.workbench_items(session, actor)


@hookimpl
def gridwork_usage_figures(org_path):
    from plugins.special_visits.coverage.usage import usage_figures

    return usage_figures(get_session(), org_path)


@hookimpl
def gridwork_lifecycle_changed(org_path, new_state):
    if new_state == "enabled" and "/" not in org_path:
        jobs.seed_defaults_at(org_path)


@hookimpl
def gridwork_demo_data(session, county_path, org_nodes):
    from plugins.special_visits.demo.services import seed_demo_data

    return seed_demo_data(session, county_path, org_nodes)


@hookimpl
def gridwork_sample_records(session, org_path, marker):
    from plugins.special_visits.sample_records import create_sample_records  # only the test suite calls this hook

    return create_sample_records(session, org_path, marker)
