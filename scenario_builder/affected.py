"""Which of an admin's scenarios hold a block of a module that is disabled, forbidden, frozen or
retired at the scenario's node (#14 item 8: "the builder lists the affected scenarios"). The
blocks keep their settings, so the warning only says which module and why."""

from sqlmodel import select

from core.public import block_offers, module_unavailable, system_query
from scenario_builder.models import ScenarioBlock, ScenarioVersion

REASON = "the blocks of scenarios the admin already sees (listed by scenario id)"


def warnings_for(session, scenarios):
    """{scenario id: ["功能模块「…」<reason>", …]} for the latest version of each scenario."""
    plugins = _plugins_of_latest(session, scenarios)
    titles = {offer.plugin: offer.plugin_title for offer in block_offers().values()}
    found = {}
    for scenario in scenarios:
        for plugin in sorted(plugins.get(scenario.id, ())):
            reason = module_unavailable(session, plugin, scenario.org_path) if plugin in titles else "未安装"
            if reason:
                name = titles.get(plugin, "未知模块")
                found.setdefault(scenario.id, []).append(f"功能模块「{name}」{reason}：场景中它的功能块暂不可用")
    return found


def _plugins_of_latest(session, scenarios):
    if not scenarios:
        return {}
    latest = {(s.id, s.latest_version) for s in scenarios}
    statement = (
        select(ScenarioVersion.scenario_id, ScenarioVersion.number, ScenarioBlock.plugin)
        .join(ScenarioBlock, ScenarioBlock.version_id == ScenarioVersion.id)
        .where(ScenarioVersion.scenario_id.in_([s.id for s in scenarios]))
    )
    plugins = {}
    for scenario_id, number, plugin in session.exec(system_query(statement, REASON)).all():
        if (scenario_id, number) in latest:
            plugins.setdefault(scenario_id, set()).add(plugin)
    return plugins
