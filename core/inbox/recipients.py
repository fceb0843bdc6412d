"""Which notices a reader sees: those addressed to them, and those addressed to a role
package at a node where they hold it now — granted there or above, as a grant covers its
subtree — inside their grants' subtrees, and only where the owning plugin is switched on
(its pages answer 404 elsewhere)."""

from sqlalchemy import and_, false, or_
from sqlmodel import select

from core.inbox.models import Notice
from core.state import state_of
from core.tree.scope import DataScope, scoped


def visible(statement, actor):
    """``statement`` (over Notice) narrowed to what ``actor`` may read."""
    state = state_of()
    grants = state.policy.grants_of(actor.id) if getattr(actor, "is_authenticated", False) else []
    scope = DataScope(tuple(sorted({path for _, path in grants})))
    addressed = (
        or_(
            Notice.to_user_id == actor.id,
            *[
                and_(Notice.to_package == package, DataScope((path,)).clause(Notice.org_path))
                for package, path in grants
            ],
        )
        if grants
        else false()
    )
    return scoped(statement.where(addressed, where_plugin_is_on(state, Notice)), scope, Notice.org_path)


def visible_notices(actor):
    return visible(select(Notice), actor)


def where_plugin_is_on(state, model):
    """Rows of ``model`` (with ``plugin`` and ``org_path`` columns) whose plugin is switched on
    at their node; the core's own rows always."""
    parts = [model.plugin == "core"]
    for plugin in state.host.loaded():
        terms = state.policy.plugin_terms(plugin.name)
        if terms and plugin.name != "core":
            parts.append(and_(model.plugin == plugin.name, DataScope.from_terms(terms).clause(model.org_path)))
    return or_(*parts)
