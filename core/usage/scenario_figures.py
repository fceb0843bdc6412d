"""What the scenario usage tables say about a subtree in a period, per scenario: opens and
actions from the weekly rows for whole weeks and the daily rows for the edge days; distinct
users counted once over the user-week and user-day rows of the same spans (exact)."""

from collections import defaultdict

from sqlalchemy import func, select, union_all

from core.tree.ranges import subtree_range
from core.usage.figures import period_spans
from core.usage.models import ScenarioDaily, ScenarioUserDay, ScenarioUserWeek, ScenarioWeekly

DAILY, WEEKLY = ScenarioDaily.__table__, ScenarioWeekly.__table__
USER_DAY, USER_WEEK = ScenarioUserDay.__table__, ScenarioUserWeek.__table__


def _spans(period):
    return period_spans(period, DAILY, WEEKLY, USER_DAY, USER_WEEK)


def scenario_use(session, root, period):
    """{scenario id: {"opens": n, "actions": n, "users": distinct people}} in the subtree."""
    found = defaultdict(lambda: {"opens": 0, "actions": 0, "users": 0})
    for table, _users, key, _ukey, start, end in _spans(period):
        rows = session.execute(
            select(table.c.scenario, func.sum(table.c.opens), func.sum(table.c.actions))
            .where(key >= start, key < end, subtree_range(table.c.org_path, root))
            .group_by(table.c.scenario)
        ).all()
        for scenario, opens, actions in rows:
            found[scenario]["opens"] += int(opens or 0)
            found[scenario]["actions"] += int(actions or 0)
    parts = [
        select(users.c.scenario, users.c.user_id).where(
            ukey >= start, ukey < end, subtree_range(users.c.org_path, root)
        )
        for _table, users, _key, ukey, start, end in _spans(period)
    ]
    both = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    for scenario, n in session.execute(
        select(both.c.scenario, func.count(func.distinct(both.c.user_id))).group_by(both.c.scenario)
    ).all():
        found[scenario]["users"] = int(n)
    return dict(found)


def placements_with_use(session, root, period, placed):
    """{plugin: [{"id", "title", "url", "opens", "actions", "users"}]}: each scenario placing
    the plugin (from ``block_placements``) with its use in the period, most opened first."""
    use = scenario_use(session, root, period)
    none = {"opens": 0, "actions": 0, "users": 0}
    return {
        plugin: sorted(
            ({**entry, **use.get(entry["id"], none)} for entry in found.get("placed", [])),
            key=lambda entry: (-entry["opens"], entry["title"]),
        )
        for plugin, found in placed.items()
    }
