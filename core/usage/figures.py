"""What the usage tables say about a subtree (a county or a street) in a period, per plugin.

Actions and used nodes come from the weekly rows for whole weeks and the daily rows for the
days at either edge; distinct users from the user-week and user-day rows of the same spans,
counted distinct once over their union — exact for any period and any subtree.
"""

from collections import defaultdict

from sqlalchemy import func, select, union_all

from core.plugin_system.enablement import settings_of
from core.tree.models import OrgNode
from core.tree.ranges import subtree_range
from core.tree.regions import effective_state
from core.tree.scope import DataScope, scoped
from core.usage.models import UsageDaily, UsageFormField, UsageUserDay, UsageUserWeek, UsageWeekly

DAILY, WEEKLY = UsageDaily.__table__, UsageWeekly.__table__
USER_DAY, USER_WEEK = UsageUserDay.__table__, UsageUserWeek.__table__
FORM_FIELD = UsageFormField.__table__


def community_of(path):
    parts = path.split("/")
    return "/".join(parts[:3]) if len(parts) >= 3 else None


def period_spans(period, daily=DAILY, weekly=WEEKLY, user_day=USER_DAY, user_week=USER_WEEK):
    """[(figures table, user table, their date columns, start, end)] covering the period without
    overlap: daily rows for the edge days, weekly rows for the whole weeks."""
    edges, weeks = period.split()
    spans = [(daily, user_day, daily.c.day, user_day.c.day, a, b) for a, b in edges]
    if weeks:
        spans.append((weekly, user_week, weekly.c.week, user_week.c.week, *weeks))
    return spans


def actions_by_plugin(session, root, period):
    """{plugin: (actions, {community paths with any action})}."""
    actions, nodes = defaultdict(int), defaultdict(set)
    for table, _users, key, _ukey, start, end in period_spans(period):
        rows = session.execute(
            select(table.c.plugin, table.c.org_path, func.sum(table.c.actions))
            .where(key >= start, key < end, subtree_range(table.c.org_path, root))
            .group_by(table.c.plugin, table.c.org_path)
        ).all()
        for plugin, path, n in rows:
            actions[plugin] += int(n or 0)
            if n and community_of(path):
                nodes[plugin].add(community_of(path))
    return {plugin: (actions[plugin], nodes[plugin]) for plugin in actions}


def distinct_users(session, root, period):
    """{plugin: distinct users in the period anywhere in the subtree}."""
    parts = [
        select(users.c.plugin, users.c.user_id).where(ukey >= start, ukey < end, subtree_range(users.c.org_path, root))
        for _table, users, _key, ukey, start, end in period_spans(period)
    ]
    both = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    rows = session.execute(
        select(both.c.plugin, func.count(func.distinct(both.c.user_id))).group_by(both.c.plugin)
    ).all()
    return dict(rows)


def communities_under(session, root):
    statement = select(OrgNode.path).where(OrgNode.kind == "community")
    return [path for (path,) in session.execute(scoped(statement, DataScope((root,)), OrgNode.path))]


def enabled_communities(session, plugin, communities):
    settings = settings_of(session, plugin)
    return {path for path in communities if effective_state(settings, path) == "enabled"}


def form_fields(session, root, period):
    """{plugin: [(form, field, shown, filled)]} summed over the period."""
    rows = session.execute(
        select(
            FORM_FIELD.c.plugin,
            FORM_FIELD.c.form,
            FORM_FIELD.c.field,
            func.sum(FORM_FIELD.c.shown),
            func.sum(FORM_FIELD.c.filled),
        )
        .where(
            FORM_FIELD.c.day >= period.start,
            FORM_FIELD.c.day < period.end,
            subtree_range(FORM_FIELD.c.org_path, root),
        )
        .group_by(FORM_FIELD.c.plugin, FORM_FIELD.c.form, FORM_FIELD.c.field)
    ).all()
    found = defaultdict(list)
    for plugin, form, field, shown, filled in rows:
        found[plugin].append((form, field, int(shown), int(filled)))
    return found
