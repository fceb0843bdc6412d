"""How many published scenarios place each module's blocks at a node (``gridwork_block_placements``),
for the core's slimming list and retirement preview. A scenario counts when it is owned at or
under the node, or published to a node there (a county's scenario published to one street counts
for that street). Only the published version's blocks count: a draft places nothing yet.
Each placing scenario is named by its id (the one the workbench meters its use under), title
and page, so the core reads each scenario's use from its own usage tables."""

from sqlmodel import select

from core.public import system_query
from scenario_builder.models import Scenario, ScenarioBlock, ScenarioVersion

REASON = "counting which modules published scenarios place, for the slimming list"


def placements_at(session, org_path):
    """{plugin: {"scenarios": n, "titles": [...], "placed": [{"id", "title", "url"}]}}."""
    statement = (
        select(Scenario.id, Scenario.title, Scenario.org_path, ScenarioVersion.content, ScenarioBlock.plugin)
        .join(ScenarioVersion, ScenarioVersion.scenario_id == Scenario.id)
        .join(ScenarioBlock, ScenarioBlock.version_id == ScenarioVersion.id)
        .where(Scenario.status == "published", ScenarioVersion.number == Scenario.published_version)
        .order_by(Scenario.title, Scenario.id)
    )
    seen, found = set(), {}
    for scenario_id, title, owner, content, plugin in session.exec(system_query(statement, REASON)).all():
        if (plugin, scenario_id) in seen or not _reaches(owner, content, org_path):
            continue
        seen.add((plugin, scenario_id))
        entry = found.setdefault(plugin, {"scenarios": 0, "titles": [], "placed": []})
        entry["scenarios"] += 1
        entry["titles"].append(title)
        entry["placed"].append({"id": str(scenario_id), "title": title, "url": f"/scenarios/{scenario_id}"})
    return found


def _reaches(owner, content, org_path):
    """Is the scenario at ``org_path``'s subtree: owned there, or published to a node there or above it?"""
    if _within(owner, org_path):
        return True
    for target in (content or {}).get("published_to", []):
        path = target.get("org_path", "")
        if _within(path, org_path) or (target.get("subtree") and _within(org_path, path)):
            return True
    return False


def _within(path, ancestor):
    return path == ancestor or path.startswith(ancestor + "/")
