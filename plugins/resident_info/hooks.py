"""What resident_info contributes to Gridwork. Hooks only return data — the core registers
it, checks names and permissions, and calls per-node hooks only where the plugin is
enabled. Permissions, event types and block settings schemas come from manifest.json."""

from datetime import timedelta

from core.public import BlockType, NavEntry, get_session, hookimpl, utcnow
from plugins.resident_info import cli, web, workbench
from plugins.resident_info.demo import services as demo
from plugins.resident_info.importing import resume, valid_rows
from plugins.resident_info.permissions import IMPORT, PLUGIN, READ, WRITE
from plugins.resident_info.register import audit_names, provided, queries
from plugins.resident_info.web import blocks


@hookimpl
def gridwork_blueprints():
    return web.blueprints()


@hookimpl
def gridwork_nav_entries():
    return [NavEntry(f"{PLUGIN}.index", "居民信息", READ, 100), NavEntry(f"{PLUGIN}.stats_page", "居民统计", READ, 101)]


@hookimpl
def gridwork_blocks():
    return [
        BlockType(PLUGIN, "resident_list", blocks.render_resident_list, READ),
        BlockType(PLUGIN, "registration_form", blocks.render_registration_form, WRITE),
        BlockType(PLUGIN, "import_panel", blocks.render_import_panel, IMPORT),
    ]


@hookimpl
def gridwork_cli_commands():
    return [cli.residents_cli]


@hookimpl
def gridwork_services():
    return {
        f"{PLUGIN}.get_residents": provided.get_residents,
        f"{PLUGIN}.find_by_tag_rule": provided.find_by_tag_rule,
        f"{PLUGIN}.resident_by_id": provided.resident_by_id,
        f"{PLUGIN}.households_in": provided.households_in,
        f"{PLUGIN}.describe_audit_entries": audit_names.describe_audit_entries,
        f"{PLUGIN}.find_audit_objects": audit_names.find_audit_objects,
    }


@hookimpl
def gridwork_open_work(org_path):
    return workbench.open_work_at(get_session(), org_path)


@hookimpl
def gridwork_usage_figures(org_path):
    db = get_session()
    return {
        "residents": queries.count_in(db, org_path),
        "updated_last_30_days": queries.count_in(db, org_path, since=utcnow() - timedelta(days=30)),
    }


@hookimpl
def gridwork_workbench_items(session, actor):
    return workbench.workbench_items(session, actor)


@hookimpl
def gridwork_demo_data(session, county_path, org_nodes, folder):
    return demo.seed_demo_data(session, county_path, org_nodes, folder)


@hookimpl
def gridwork_scheduled_jobs():
    return [resume.RESUME_JOB, valid_rows.FORGET_JOB]


@hookimpl
def gridwork_sample_records(session, org_path, marker):
    from plugins.resident_info.sample_records import create_sample_records  # only the test suite calls this hook

    return create_sample_records(session, org_path, marker)
