"""Saving, publishing and rolling back scenarios. Each save is a new version row; a save must
name the version it was based on, and one based on anything but the latest is refused with
who saved the latest and when — two tabs or two people can never overwrite each other."""

from sqlmodel import select

from core.public import (
    ApiError,
    DataScope,
    bulk_insert,
    display_names,
    local_text,
    not_found,
    record_audit,
    scope_for,
    scope_of_model,
    system_options,
    utcnow,
)
from scenario_builder import validation
from scenario_builder.document import content_of, normalised
from scenario_builder.models import Scenario, ScenarioBlock, ScenarioVersion
from scenario_builder.permissions import MANAGE
from scenario_builder.publishing import check_targets


def scenario_for(db, actor, scenario_id, permission=MANAGE):
    """The scenario if it lies in the actor's scope for ``permission``; 404 otherwise."""
    scenario = db.get(Scenario, scenario_id, execution_options=system_options("checked against the scope below"))
    if scenario is None or not scope_for(actor, permission).covers(scenario.org_path):
        raise not_found()
    return scenario


def scenarios_in_scope(db, actor, permission=MANAGE):
    statement = scope_of_model(select(Scenario), scope_for(actor, permission), Scenario).order_by(Scenario.id)
    return db.exec(statement).all()


def checked(document, org_path):
    """The normalised document with migrated settings, or 422 naming every problem."""
    document = normalised(document)
    document["blocks"] = validation.checked_blocks(document, org_path)
    validation.check_triggers(document, document["blocks"])
    return document


def create_scenario(db, actor, org_path, document, note=""):
    if not scope_for(actor, MANAGE).covers(org_path):
        raise ApiError(403, "您不能在该组织创建治理场景。", pointer="/org_path", permission=MANAGE)
    document = checked(document, org_path)
    scenario = Scenario(org_path=org_path, title=document["title"], created_by=actor.username)
    db.add(scenario)
    db.flush()
    _add_version(db, actor, scenario, 1, document, note)
    audit(db, actor, scenario, "created")
    return scenario


def save_scenario(db, actor, scenario, based_on, document, note=""):
    """A new version after ``based_on``; 409 naming who saved the latest when stale."""
    _refuse_stale(db, scenario, based_on)
    document = checked(document, scenario.org_path)
    scenario.latest_version += 1
    scenario.title = document["title"]
    _add_version(db, actor, scenario, scenario.latest_version, document, note)
    audit(db, actor, scenario, "saved", version=scenario.latest_version)
    return scenario


def audit(db, actor, scenario, done, **detail):
    """The audit entry ``scenario_builder.scenario_<done>`` of ``scenario`` (detail: e.g. its version)."""
    record_audit(
        db,
        f"scenario_builder.scenario_{done}",
        actor=actor.username,
        target=f"scenario:{scenario.id}",
        org_path=scenario.org_path,
        detail=detail or None,
    )


def _refuse_stale(db, scenario, based_on):
    if based_on == scenario.latest_version:
        return
    latest = version_row(db, scenario, scenario.latest_version)
    who = display_names(db, [latest.saved_by]).get(latest.saved_by, "他人")
    raise ApiError(
        409,
        f"该场景已被 {who} 于 {local_text(latest.saved_at)} 保存为第 {latest.number} 版，"
        "您的修改基于旧版本：请载入新版本，或把您的修改另存为副本。",
        pointer="/based_on",
    )


def _add_version(db, actor, scenario, number, document, note):
    version = ScenarioVersion(
        scenario_id=scenario.id,
        org_path=scenario.org_path,
        number=number,
        content=content_of(document),
        note=note,
        saved_by=actor.username,
        saved_at=utcnow(),
    )
    db.add(version)
    db.flush()
    # One executemany for the block rows: building and flushing 20 ORM objects cost more
    # than the rest of a save (bench/scenario_save.py); nothing reads them back as objects.
    rows = [
        {
            "version_id": version.id,
            "org_path": scenario.org_path,
            "position": position,
            "plugin": placed["plugin"],
            "block": placed["block"],
            "settings": placed["settings"],
            "settings_version": placed.get("settings_version", 1),
        }
        for position, placed in enumerate(document["blocks"])
    ]
    bulk_insert(db, ScenarioBlock.__table__, rows)
    return version


def version_row(db, scenario, number):
    statement = select(ScenarioVersion).where(
        ScenarioVersion.scenario_id == scenario.id, ScenarioVersion.number == number
    )
    version = db.exec(scope_of_model(statement, _owner_scope(scenario), ScenarioVersion)).first()
    if version is None:
        raise not_found("该场景没有这个版本。")
    return version


def _owner_scope(scenario):
    """Rows of a scenario's versions live at the scenario's node (its scope already checked)."""
    return DataScope((scenario.org_path,))


def version_document(db, scenario, number):
    """The stored document of version ``number`` (blocks in order), normalised."""
    version = version_row(db, scenario, number)
    statement = select(ScenarioBlock).where(ScenarioBlock.version_id == version.id).order_by(ScenarioBlock.position)
    blocks = db.exec(scope_of_model(statement, _owner_scope(scenario), ScenarioBlock)).all()
    placed = [
        {"plugin": b.plugin, "block": b.block, "settings": b.settings, "settings_version": b.settings_version}
        for b in blocks
    ]
    return normalised({**version.content, "blocks": placed})


def all_versions(db, scenario):
    statement = (
        select(ScenarioVersion).where(ScenarioVersion.scenario_id == scenario.id).order_by(ScenarioVersion.number)
    )
    return db.exec(scope_of_model(statement, _owner_scope(scenario), ScenarioVersion)).all()


def publish(db, actor, scenario, number):
    """Publish version ``number`` (default the latest) to its nodes and packages, after every
    rule again and the publisher's own scope; the version itself is never changed."""
    document = checked(version_document(db, scenario, number), scenario.org_path)
    check_targets(db, actor, document)
    scenario.published_version, scenario.status = number, "published"
    audit(db, actor, scenario, "published", version=number)
    return scenario


def rollback(db, actor, scenario, number, based_on):
    """A new version equal to version ``number`` (history stays as it was)."""
    return save_scenario(db, actor, scenario, based_on, version_document(db, scenario, number), f"回退到第 {number} 版")
