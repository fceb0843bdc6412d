"""Frozen means read-only, wherever the write comes from.

The refusal sits at the data layer, not in each view: every flush of a session and every
``bulk_insert`` is checked against the plugin's frozen (or retired) subtrees, so a page, an API
call, an event handler and a scheduled job are all refused the same way, with the same Chinese
423 — and a plugin cannot forget the check. Only rows of declared org-bound tables carry a path;
rows of a plugin's other tables change together with their org-bound parent (a resident's tags
with the resident), which the check sees in the same flush.
"""

from flask import has_app_context
from sqlalchemy import event, inspect

from core.api.errors import ServiceError
from core.db import GridworkSession
from core.state import state_of

BYPASS = "gridwork.lifecycle_bypass"  # session.info key: purging a retired subtree is allowed to write


def allow_frozen_writes(session):
    """Mark ``session`` as the lifecycle's own (purge): it may delete rows of a retired subtree."""
    session.info[BYPASS] = True


def check_writable(session, table_name, rows):
    """Refuse (423) when any of ``rows`` (mappings or objects) sits where its plugin is frozen."""
    if session.info.get(BYPASS) or not has_app_context():
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
