"""The lifecycle steps, each one audited and published in the caller's transaction.

A step acts on one row per (plugin, node): flag starts it, freeze and retire advance it,
restore ends it (``restored_at``), purge removes the data of a retired one. A row at a county
and a row at one of its streets are independent: restoring the county leaves the street's own
earlier retirement standing, so "restore" brings back exactly what that retirement took.
"""

from contextlib import contextmanager

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError, InternalError, ProgrammingError
from sqlmodel import select

from core.api.errors import ServiceError
from core.audit.chain import record_audit
from core.db import system_query
from core.events.publish import publish
from core.lifecycle.dump import subtree_rows, table_named
from core.lifecycle.events import STEP_EVENTS
from core.lifecycle.export import write_export
from core.lifecycle.guard import PURGE
from core.lifecycle.models import FLAGGED, FROZEN, RETIRED, SEVERITY, LifecycleExport, LifecycleStep, PurgePermit
from core.lifecycle.states import ACTIVE, live_steps
from core.permissions.store import bump_policy_version
from core.plugin_system.enablement import StateChange, announce
from core.state import state_of
from core.timeutil import isoformat, utcnow
from core.tree.paths import is_valid_path


def flag(db, plugin, org_path, actor, notice="", freeze_on=None, retire_on=None):
    """Users of the module at and under ``org_path`` see ``notice`` and the planned dates."""
    if freeze_on and retire_on and retire_on < freeze_on:
        raise ServiceError(422, "下线日期不能早于冻结日期。", "/retire_on")
    step = _live_here(db, plugin, org_path)
    if step is not None:
        raise ServiceError(409, "这个模块在该节点已在下线流程中。", "/state")
    step = LifecycleStep(
        plugin=plugin,
        org_path=org_path,
        state=FLAGGED,
        notice=notice,
        freeze_on=freeze_on,
        retire_on=retire_on,
        started_by=actor,
    )
    db.add(step)
    db.flush()
    return _record(db, step, ACTIVE, "flagged", actor)


def freeze(db, plugin, org_path, actor):
    """Read-only at and under ``org_path``: records readable and exportable, none written."""
    step, previous = _advance(db, plugin, org_path, FROZEN, actor)
    step.frozen_at = utcnow()
    return _record(db, step, previous, "frozen", actor)


def retire(db, plugin, org_path, actor):
    """Hidden at and under ``org_path`` (hooks, jobs, handlers not run there); the full export
    is written first and kept; no record is touched."""
    step, previous = _advance(db, plugin, org_path, RETIRED, actor)
    step.frozen_at = step.frozen_at or utcnow()
    step.retired_at = utcnow()
    export = write_export(db, step, actor)
    return _record(db, step, previous, "retired", actor, records=export.counts)


def restore(db, plugin, org_path, actor):
    """Back exactly as before this retirement started (its row ends; others stay)."""
    step = _live_here(db, plugin, org_path)
    if step is None:
        raise ServiceError(409, "这个模块在该节点没有进行中的下线，无需恢复。", "/state")
    previous = step.state
    step.restored_at = utcnow()
    return _record(db, step, previous, "restored", actor)


def purge(db, plugin, org_path, actor, typed_title):
    """Delete ``plugin``'s data at and under ``org_path`` — only when retired there, with the
    module's title typed as confirmation and an export on file. The caller checked that the
    actor is a county admin (``core.plugin_purge``)."""
    step = _live_here(db, plugin, org_path)
    title = state_of().host.titles().get(plugin, plugin)
    if step is None or step.state != RETIRED:
        raise ServiceError(409, "只能清除已下线模块的数据：请先下线。", "/state")
    if step.purged_at is not None:
        raise ServiceError(409, "这次下线的数据已经清除过了。", "/state")
    if (typed_title or "").strip() != title:
        raise ServiceError(422, "确认文字不对：请输入模块的名称。", "/confirm")
    if _export_id(db, step) is None:
        raise ServiceError(409, "还没有这次下线的完整导出，不能清除。", "/export")
    with _purge_permit(db, step):
        removed = _delete_subtree(db, plugin, org_path)
    step.purged_at = utcnow()
    return _record(db, step, RETIRED, "purged", actor, records=removed)


def _export_id(db, step):
    statement = select(LifecycleExport.id).where(LifecycleExport.lifecycle_id == step.id)
    return db.exec(system_query(statement, "the export of a retirement the caller may purge")).first()


# A trigger's refusal: SQLite's RAISE(ABORT) reads as an integrity error, PostgreSQL's RAISE
# EXCEPTION (and a foreign key from a table outside the plugin) as these.
REFUSED_BY_THE_DATABASE = (IntegrityError, InternalError, ProgrammingError)


@contextmanager
def _purge_permit(db, step):
    """While the purge deletes, a permit for its plugin and subtree lets the deletes through a
    plugin's append-only trigger (and nothing else: UPDATE stays refused). The permit goes in
    the same transaction, so no other connection ever sees one; a purge that fails rolls back
    with it."""
    permit = PurgePermit(plugin=step.plugin, org_path=step.org_path, lifecycle_id=step.id)
    db.add(permit)
    db.flush()
    yield
    db.delete(permit)
    db.flush()


def _delete_subtree(db, plugin, org_path):
    """{table: rows deleted}: rows that others reference last. A table the database keeps
    append-only without honouring the purge permit refuses: then nothing is deleted and the
    admin is told why."""
    declared = state_of().host.get(plugin).manifest.data.get("tables", [])
    rows = subtree_rows(db, state_of().org_bound_tables, plugin, declared, org_path)
    removed = {}
    for table in _referrers_first([table_named(db, name) for name in rows]):
        keys = list(table.primary_key.columns)
        try:
            with db.begin_nested():
                for row in rows[table.name]:
                    statement = delete(table).where(*(key == row[key.name] for key in keys))
                    db.exec(statement.execution_options(**{PURGE: True}))
        except REFUSED_BY_THE_DATABASE:
            described = next((entry.get("description") for entry in declared if entry["name"] == table.name), "")
            raise ServiceError(
                409, f"“{described or table.name}”按规定不能删除，数据未清除（模块保持下线，数据原样保留）。", "/state"
            ) from None
        removed[table.name] = len(rows[table.name])
    return removed


def _referrers_first(tables):
    """``tables`` ordered so that a table whose foreign keys point at another comes before it
    (a resident before the household it lives in): the order deletes must run in."""
    ordered, pending = [], list(tables)
    while pending:
        unreferenced = (t for t in pending if not any(o is not t and _points_at(o, t.name) for o in pending))
        free = next(unreferenced, pending[0])  # a cycle: the database says which row is in the way
        ordered.append(free)
        pending.remove(free)
    return ordered


def _points_at(table, name):
    return any(key.column.table.name == name for key in table.foreign_keys)


def _live_here(db, plugin, org_path):
    _check(plugin, org_path)
    return next((step for step in live_steps(db, plugin) if step.org_path == org_path), None)


def _advance(db, plugin, org_path, state, actor):
    """The live row here moved on to ``state`` — started now when there is none (a step may skip
    the notice); returns it with the state it came from, for the event."""
    step = _live_here(db, plugin, org_path)
    if step is None:
        step = LifecycleStep(plugin=plugin, org_path=org_path, state=ACTIVE, started_by=actor)
    elif SEVERITY[step.state] >= SEVERITY[state]:
        raise ServiceError(409, "这个模块在该节点已经处于这一步或更后的一步。", "/state")
    previous, step.state = step.state, state
    db.add(step)
    db.flush()
    return step, previous


def _check(plugin, org_path):
    if plugin == "core" or state_of().host.get(plugin) is None:
        raise ServiceError(404, "功能模块不存在或未能加载。")
    if not is_valid_path(org_path):
        raise ServiceError(422, "组织路径格式不正确。", "/org_path")


def _record(db, step, old_state, new_state, actor, records=None):
    """Audit entry, core event, policy version (every process sees it), the plugin told."""
    db.add(step)
    db.flush()
    event = STEP_EVENTS[new_state]
    payload = {
        "plugin": step.plugin,
        "org_path": step.org_path,
        "lifecycle_id": step.id,
        "old_state": old_state,
        "new_state": new_state,
        "freeze_on": isoformat(step.freeze_on) if step.freeze_on else None,
        "retire_on": isoformat(step.retire_on) if step.retire_on else None,
    }
    if records is not None:
        payload["records"] = records
    record_audit(db, event, actor=actor, target=f"plugin:{step.plugin}", org_path=step.org_path, detail=payload)
    publish(db, event, payload, org_path=step.org_path, actor=actor)
    bump_policy_version(db)
    announce(db, state_of().host, StateChange(step.plugin, step.org_path, old_state, new_state))
    return step
