"""One place that turns a request for a lifecycle step into the service call — the page and the
API share it, so both check the same permissions and read dates the same way."""

from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlmodel import select

from core.api.errors import ServiceError
from core.auth.actor import current_actor
from core.db import system_query
from core.lifecycle import service
from core.lifecycle.models import LifecycleExport, LifecycleStep
from core.permissions.access import can, deny, scope_for
from core.plugin_system.api import node_in_scope
from core.timeutil import clock

RETIRE, PURGE = "core.plugin_retire", "core.plugin_purge"
STEPS = ("flag", "freeze", "retire", "restore", "purge", "cut")


def retirable_node(db, node_id):
    """The node, when the actor may retire modules there; 404 otherwise (another street's)."""
    return node_in_scope(db, node_id, scope_for(current_actor, RETIRE))


def run_step(db, plugin, node, step, values):
    """Run ``step`` ("flag" … "cut") for ``plugin`` at ``node`` with the form or JSON
    ``values``; returns the LifecycleStep. Nothing is committed here."""
    actor = current_actor.username
    if step == "flag":
        freeze_on, retire_on = _date(values, "freeze_on"), _date(values, "retire_on")
        return service.flag(db, plugin, node.path, actor, _notice(values), freeze_on, retire_on)
    if step == "cut":
        return county_cut(db, plugin, node, values)
    if step == "purge":
        if not can(current_actor, PURGE, node.path):
            deny(PURGE)
        return service.purge(db, plugin, node.path, actor, values.get("confirm", ""))
    return {"freeze": service.freeze, "retire": service.retire, "restore": service.restore}[step](
        db, plugin, node.path, actor
    )


def county_cut(db, plugin, node, values):
    """Flag now for the whole county, freeze and retire later on the county's notice period
    (``LIFECYCLE_NOTICE_DAYS``) unless the dates are given; the scheduler runs the rest."""
    if node.kind != "county":
        raise ServiceError(422, "“为全县下线”只能在县级节点进行。", "/node")
    days = current_app.config.get("LIFECYCLE_NOTICE_DAYS") or {}
    today = clock.today()
    freeze_on = _date(values, "freeze_on") or _midnight(today + timedelta(days=int(days.get("freeze", 14))))
    retire_on = _date(values, "retire_on") or _midnight(today + timedelta(days=int(days.get("retire", 30))))
    if freeze_on <= clock.now():
        raise ServiceError(422, "冻结日期须晚于今天。", "/freeze_on")
    notice = _notice(values) or "本模块将在全县下线，请及时办结手头的事项。"
    return service.flag(db, plugin, node.path, current_actor.username, notice, freeze_on, retire_on)


def exports_at(db, plugin, path):
    """The exports kept for ``plugin`` at ``path``, newest first."""
    statement = (
        select(LifecycleExport)
        .where(LifecycleExport.plugin == plugin, LifecycleExport.org_path == path)
        .order_by(LifecycleExport.id.desc())
    )
    return db.exec(system_query(statement, "exports of a node the caller may retire at")).all()


def may_download_exports(path):
    """County admins: the right to retire at the county the node belongs to."""
    return can(current_actor, RETIRE, path.split("/", 1)[0])


def history_at(db, plugin, path):
    statement = (
        select(LifecycleStep)
        .where(LifecycleStep.plugin == plugin, LifecycleStep.org_path == path)
        .order_by(LifecycleStep.id.desc())
    )
    return db.exec(system_query(statement, "the lifecycle of a node the caller may retire at")).all()


def _notice(values):
    notice = str(values.get("notice") or "").strip()
    if len(notice) > 500:
        raise ServiceError(422, "提示文字最多 500 个字。", "/notice")
    return notice


def _date(values, key):
    """A ``YYYY-MM-DD`` field as midnight of that day in the deployment's zone (None if empty)."""
    text = str(values.get(key) or "").strip()
    if not text:
        return None
    try:
        return _midnight(date.fromisoformat(text))
    except ValueError:
        label = {"freeze_on": "冻结日期", "retire_on": "下线日期"}[key]
        raise ServiceError(422, f"{label}格式不正确，请按 2027-01-15 的格式填写。", f"/{key}") from None


def _midnight(day):
    """Midnight of ``day`` in the deployment's zone, stored as UTC like every time."""
    return datetime(day.year, day.month, day.day, tzinfo=clock.zone).astimezone(UTC)
