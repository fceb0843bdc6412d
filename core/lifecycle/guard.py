"""Frozen means read-only, wherever the write comes from.

The refusal sits at the data layer, not in each view: every flush of a session, every
``bulk_insert`` and every INSERT, UPDATE or DELETE statement a session executes
(``session.exec(update(Resident)…)``) is checked against the plugin's frozen (or retired)
subtrees, so a page, an API call, an event handler and a scheduled job are all refused the same
way, with the same Chinese 423 — and a plugin cannot forget the check. A statement's rows are
read with its own WHERE clause first (their paths, before the change), and a new path it sets is
checked too. Only rows of declared org-bound tables carry a path;
rows of a plugin's other tables change together with their org-bound parent (a resident's tags
with the resident), which the check sees in the same flush.
"""

from flask import has_app_context
from sqlalchemy import event, inspect, select
from sqlalchemy.sql.elements import BindParameter

from core.api.errors import ServiceError
from core.db import GridworkSession
from core.state import state_of
from core.tree.bound import ORG_MOVE

PURGE = "gridwork_lifecycle_purge"  # execution option: a purge deletes a retired subtree's rows


def check_writable(session, table_name, rows):
    """Refuse (423) when any of ``rows`` (mappings or objects) sits where its plugin is frozen."""
    if not has_app_context():
        return
    state = state_of()
    bound = _bound_by_name(state).get(table_name)
    if bound is None or state.policy_factory is None:
        return
    policy = state.policy
    for row in rows:
        plugin = _value(row, bound.owner_column) if bound.owner_column else bound.plugin
        for path in (_value(row, bound.path_column), _path_before(row, bound.path_column)):
            if plugin and path and policy.plugin_read_only(plugin, path):
                raise frozen_refusal(state.host.titles().get(plugin, plugin))


def frozen_refusal(title):
    return ServiceError(423, f"“{title}”在这里已冻结（只读）：可以查看和导出，不能新增、修改或删除记录。")


def _bound_by_name(state):
    return {bound.name: bound for bound in state.org_bound_tables}


def _path_before(row, key):
    """The path a changed object had when loaded: moving a record out of a frozen node is a
    write there too."""
    if isinstance(row, dict):
        return None
    state = inspect(row, raiseerr=False)
    if state is None or key not in state.attrs:
        return None
    loaded = state.attrs[key].history.deleted
    return loaded[0] if loaded else None


def _value(row, key):
    return row.get(key) if isinstance(row, dict) else getattr(row, key, None)


@event.listens_for(GridworkSession, "before_flush")
def _refuse_frozen_changes(session, _flush_context, _instances):
    changed = list(session.new) + list(session.deleted) + [obj for obj in session.dirty if session.is_modified(obj)]
    by_table = {}
    for obj in changed:
        table = getattr(obj, "__table__", None)
        if table is not None:
            by_table.setdefault(table.name, []).append(obj)
    for name, objects in by_table.items():
        check_writable(session, name, objects)


@event.listens_for(GridworkSession, "do_orm_execute")
def _refuse_frozen_statements(execute_state):
    """INSERT, UPDATE and DELETE statements: the rows they touch, checked like a flush's."""
    if not (execute_state.is_insert or execute_state.is_update or execute_state.is_delete):
        return
    options = execute_state.execution_options
    if options.get(ORG_MOVE) or options.get(PURGE):
        return
    session, statement = execute_state.session, execute_state.statement
    table = getattr(statement, "table", None)
    bound = _bound_for(table)
    if bound is None:
        return
    set_here = _set_values(statement, execute_state.parameters)
    if execute_state.is_insert:
        check_writable(session, table.name, set_here)
        return
    matched = _rows_matched(session, statement, table, bound)
    check_writable(session, table.name, matched)
    # a new path is a write there too: each matched row (its owner) as it would be after
    moved_to = [{**row, **new} for new in set_here if new.get(bound.path_column) for row in matched]
    check_writable(session, table.name, moved_to)


def _bound_for(table):
    """The org-bound declaration of ``table`` when a frozen check may apply to it."""
    name = getattr(table, "name", None)
    if name is None or not has_app_context():
        return None
    state = state_of()
    bound = _bound_by_name(state).get(name)
    if bound is None or state.policy_factory is None:
        return None
    return bound if state.policy.frozen_anywhere(None if bound.owner_column else bound.plugin) else None


def _rows_matched(session, statement, table, bound):
    """{path, owner} of each row the UPDATE or DELETE would touch, read before it runs."""
    columns = [table.c[bound.path_column]] + ([table.c[bound.owner_column]] if bound.owner_column else [])
    query = select(*columns)
    if statement.whereclause is not None:
        query = query.where(statement.whereclause)
    found = session.connection().execute(query.distinct())
    return [dict(row._mapping) for row in found]


def _set_values(statement, parameters):
    """The column values the statement writes, as dicts keyed by column name: its ``.values()``
    and the parameters it is executed with (one dict or a list of them)."""
    given = {}
    for key, value in (getattr(statement, "_values", None) or {}).items():
        name = getattr(key, "key", key)
        given[str(name)] = value.value if isinstance(value, BindParameter) else value
    extra = parameters if isinstance(parameters, list) else [parameters or {}]
    return [{**given, **{str(key): value for key, value in row.items()}} for row in extra] or [given]
