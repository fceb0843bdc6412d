"""What waste_sorting contributes to Gridwork. Hooks only return data; permissions, event
types, block settings schemas and tables come from manifest.json."""

from core.public import BlockType, DataScope, NavEntry, get_session, hookimpl
from plugins.waste_sorting import cli, provided, web, workbench
from plugins.waste_sorting.inspections.rectify import OVERDUE_JOB
from plugins.waste_sorting.permissions import INSPECT, PLUGIN, READ
from plugins.waste_sorting.web import blocks


@hookimpl
def gridwork_blueprints():
    return web.blueprints()


@hookimpl
def gridwork_nav_entries():
    return [
        NavEntry(f"{PLUGIN}.index", "垃圾分类", READ, 110),
        NavEntry(f"{PLUGIN}.pick_point", "督导检查", INSPECT, 111),
    ]


@hookimpl
def gridwork_blocks():
    return [
        BlockType(PLUGIN, "inspection_form", blocks.render_inspection_form, INSPECT),
        BlockType(PLUGIN, "open_rectifications", blocks.render_open_rectifications, READ),
        BlockType(PLUGIN, "points_wall", blocks.render_points_wall, READ),
        BlockType(PLUGIN, "trend_chart", blocks.render_trend_chart, READ),
    ]


@hookimpl
def gridwork_cli_commands():
    return [cli.waste_points_cli]


@hookimpl
def gridwork_services():
    return {f"{PLUGIN}.award_points": provided.award_points}


@hookimpl
def gridwork_scheduled_jobs():
    return [OVERDUE_JOB]


@hookimpl
def gridwork_usage_figures(org_path):
    return provided.usage_figures(get_session(), DataScope((org_path,)))


@hookimpl
def gridwork_workbench_items(session, actor):
    return workbench.workbench_items(session, actor)


@hookimpl
def gridwork_demo_data(session, county_path, org_nodes):
    from plugins.waste_sorting.demo import seed_demo_data  # demo only: keep its code out of every start

    return seed_demo_data(session, county_path, org_nodes)


@hookimpl
def gridwork_sample_records(session, org_path, marker):
    from plugins.waste_sorting.sample_records import create_sample_records  # only the test suite calls this hook

    return create_sample_records(session, org_path, marker)
