"""Publish down (下发): a county or street offers one of its scenarios to the nodes below it
as a template; a community adopts it as its own copy (whose settings it may change); when
the county offers a newer version, the community sees what changed in words and either
accepts it — its own settings changes kept — or keeps its copy as it is."""

from sqlmodel import select

from core.public import ApiError, not_found, notify, object_closed, scope_for, system_options, system_query
from scenario_builder import versions
from scenario_builder.models import Scenario
from scenario_builder.permissions import MANAGE, PLUGIN
from scenario_builder.words import changes_between, keyed


def offer(db, actor, scenario, number):
    """Offer version ``number`` of ``scenario`` (a county's or street's) to the nodes below."""
    if scenario.org_path.count("/") >= 2:  # county "c1" and street "c1/s1" only
        raise ApiError(422, "只有县、街道的场景可以下发给下级。", pointer="/version")
    versions.checked(versions.version_document(db, scenario, number), scenario.org_path)
    scenario.offered_version = number
    versions.audit(db, actor, scenario, "offered", version=number)
    _tell_the_copies(db, actor, scenario, number)
    return scenario


OFFER_NOTICE = "scenario_offer"  # inbox object type: a copy's pending decision on a new version
COMMUNITY_ADMIN = "community_admin"


def _tell_the_copies(db, actor, source, number):
    """Each node that adopted an earlier version gets one open notice in its admins' inbox
    (a still newer offer replaces it), settled when they accept or keep their copy."""
    statement = select(Scenario).where(Scenario.adopted_from == source.id)
    for copy in db.exec(system_query(statement, "the copies of an offered scenario, wherever they are")).all():
        if number in (copy.adopted_version, copy.declined_version):
            continue
        object_closed(db, PLUGIN, OFFER_NOTICE, copy.id, by=actor.username)
        notify(
            db,
            plugin=PLUGIN,
            title=f"上级更新了下发的场景「{source.title}」（第 {number} 版）：请查看变化，选择采用或保留原样",
            org_path=copy.org_path,
            to_package=COMMUNITY_ADMIN,
            link=f"/scenarios/{copy.id}",
            object_type=OFFER_NOTICE,
            object_id=copy.id,
        )


def offered_to(db, org_path):
    """Scenarios offered by the nodes above ``org_path`` (its county and street)."""
    above = _ancestors(org_path)
    if not above:
        return []
    statement = select(Scenario).where(Scenario.org_path.in_(above), Scenario.offered_version.is_not(None))
    return db.exec(system_query(statement, "offered down to every node below the owner")).all()


def _ancestors(org_path):
    parts = org_path.split("/")
    return ["/".join(parts[:end]) for end in range(1, len(parts))]


def source_for(db, actor, source_id, org_path):
    """The offered scenario ``source_id`` if it is offered to ``org_path`` (in the actor's scope)."""
    if not scope_for(actor, MANAGE).covers(org_path):
        raise ApiError(403, "您不能在该组织创建治理场景。", pointer="/org_path", permission=MANAGE)
    source = db.get(Scenario, source_id, execution_options=system_options("checked as offered above org_path"))
    if source is None or source.offered_version is None or source.org_path not in _ancestors(org_path):
        raise not_found("没有下发给该组织的这个场景。")
    return source


def adopt(db, actor, source_id, org_path):
    """The community's own copy of the offered version (a new draft it may adapt)."""
    source = source_for(db, actor, source_id, org_path)
    document = versions.version_document(db, source, source.offered_version)
    note = f"采用上级下发的第 {source.offered_version} 版"
    copy = versions.create_scenario(db, actor, org_path, {**document, "published_to": [], "packages": []}, note)
    copy.adopted_from, copy.adopted_version = source.id, source.offered_version
    return copy


def upstream_news(db, copy):
    """None, or {"source": title, "from": n, "to": m, "changes": [Chinese sentence]} when the
    source offers a version the copy has neither taken nor declined."""
    source = _source_of(db, copy)
    if source is None or source.offered_version in (copy.adopted_version, copy.declined_version):
        return None
    old = versions.version_document(db, source, copy.adopted_version)
    new = versions.version_document(db, source, source.offered_version)
    changes = changes_between(old, new) or ["内容未变"]
    return {"source": source.title, "from": copy.adopted_version, "to": source.offered_version, "changes": changes}


def _source_of(db, copy):
    if copy.adopted_from is None:
        return None
    return db.get(Scenario, copy.adopted_from, execution_options=system_options("the copy's own source"))


def accept(db, actor, copy, based_on):
    """A new version of the copy: the source's new version, with the copy's own settings
    changes (a block whose settings differ from the source's old version) and its own
    publishing targets kept."""
    source = _source_of(db, copy)
    if upstream_news(db, copy) is None:
        raise ApiError(409, "上级没有新的下发版本。", pointer="/based_on")
    old = versions.version_document(db, source, copy.adopted_version)
    new = versions.version_document(db, source, source.offered_version)
    mine = versions.version_document(db, copy, copy.latest_version)
    merged = {**new, "blocks": _keep_own_settings(old["blocks"], new["blocks"], mine["blocks"])}
    merged.update(published_to=mine["published_to"], packages=mine["packages"])
    note = f"采用上级下发的第 {source.offered_version} 版（保留本级的设置修改）"
    versions.save_scenario(db, actor, copy, based_on, merged, note)
    copy.adopted_version, copy.declined_version = source.offered_version, None
    object_closed(db, PLUGIN, OFFER_NOTICE, copy.id, by=actor.username)
    return copy


def decline(db, actor, copy):
    """Keep the copy as it is; the offer is not shown again until a still newer version."""
    news = upstream_news(db, copy)
    if news is None:
        raise ApiError(409, "上级没有新的下发版本。", pointer="/")
    copy.declined_version = news["to"]
    object_closed(db, PLUGIN, OFFER_NOTICE, copy.id, by=actor.username)
    versions.audit(db, actor, copy, "offer_declined", version=news["to"])
    return copy


def _keep_own_settings(old, new, mine):
    """``new``'s blocks, each keeping the settings fields the copy had changed from ``old``
    (blocks matched by kind and n-th of that kind, as the diff matches them); a field the
    copy left alone takes the source's new value."""
    old, mine = keyed(old), keyed(mine)
    merged = []
    for key, (_, placed) in keyed(new).items():
        before, own = (old[key][1]["settings"], mine[key][1]["settings"]) if key in old and key in mine else ({}, {})
        changed = {field: value for field, value in own.items() if before.get(field) != value}
        merged.append({**placed, "settings": {**placed["settings"], **changed}})
    return merged
