"""Which published scenarios reach a staff member: the published version names nodes (each
optionally with its subtree) and role packages; a person sees the scenario when they hold
one of those packages at one of those nodes. The node they hold it at is the node its blocks
render for."""

from sqlalchemy import func
from sqlmodel import select

from core.public import WorkItem, can, package_grants, system_query
from scenario_builder.models import Scenario, ScenarioBlock, ScenarioVersion
from scenario_builder.permissions import USE


def _reaches(content, package, path):
    if package not in content["packages"]:
        return False
    return any(
        path == target["org_path"] or (target["subtree"] and path.startswith(target["org_path"] + "/"))
        for target in content["published_to"]
    )


def node_reached(content, grants):
    """The first org path where one of ``grants`` is reached by the content, or None."""
    return next((path for package, path in grants if _reaches(content, package, path)), None)


def reaching(session, actor):
    """[(scenario, published version, org path)] for ``actor``, by title."""
    grants = [(package, path) for package, path in package_grants(actor) if can(actor, USE, path)]
    if not grants:
        return []
    statement = (
        select(Scenario, ScenarioVersion)
        .join(ScenarioVersion, ScenarioVersion.scenario_id == Scenario.id)
        .where(Scenario.status == "published", ScenarioVersion.number == Scenario.published_version)
        .order_by(Scenario.title)
    )
    found = session.exec(system_query(statement, "published scenarios reach nodes below their owner; filtered next"))
    answer = []
    for scenario, version in found:
        path = node_reached(version.content, grants)
        if path is not None:
            answer.append((scenario, version, path))
    return answer


def items_for(session, actor):
    """One workbench line per scenario: its title, how many blocks it holds, its description."""
    reached = reaching(session, actor)
    counts = _block_counts(session, [version.id for _scenario, version, _path in reached])
    return [
        WorkItem(
            scenario.title,
            counts.get(version.id, 0),
            f"/scenarios/{scenario.id}",
            unit="个功能块",
            note=version.content.get("description", "")[:40],
            order=5,
        )
        for scenario, version, _path in reached
    ]


def _block_counts(session, version_ids):
    if not version_ids:
        return {}
    statement = (
        select(ScenarioBlock.version_id, func.count())
        .where(ScenarioBlock.version_id.in_(version_ids))
        .group_by(ScenarioBlock.version_id)
    )
    return dict(session.exec(system_query(statement, "versions already matched to this person above")).all())
