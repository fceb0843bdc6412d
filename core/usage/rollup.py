"""The nightly rollup: raw counts and user-day rows → daily and weekly tables.

Each night recomputes the last ``DAYS_BACK`` days and the weeks touching them from the raw
rows (delete, then insert what the raw rows say), so a line ingested late is rolled up the
next night and running the job twice changes nothing. Weekly distinct users come from the
user-day rows (one row per user × week × node × module), never from adding daily counts.
"""

from datetime import timedelta

from sqlalchemy import delete, func, insert, literal, select

from core.usage.models import UsageCount, UsageDaily, UsageUserDay, UsageUserWeek, UsageWeekly
from core.usage.scenario_rollup import roll_up_scenarios

DAYS_BACK = 8
COUNT, USER_DAY, USER_WEEK = UsageCount.__table__, UsageUserDay.__table__, UsageUserWeek.__table__
DAILY, WEEKLY = UsageDaily.__table__, UsageWeekly.__table__


def monday(day):
    return day - timedelta(days=day.weekday())


def roll_up(session, today, days_back=DAYS_BACK):
    """Recompute the daily rows of the ``days_back`` days before ``today`` and their weeks."""
    days = [today - timedelta(days=n) for n in range(1, days_back + 1)]
    for day in days:
        _roll_up_range(session, DAILY, DAILY.c.day, day, day + timedelta(days=1))
    weeks = sorted({monday(day) for day in days})
    for week in weeks:
        _roll_up_user_week(session, week)
        _roll_up_range(session, WEEKLY, WEEKLY.c.week, week, week + timedelta(days=7))
    roll_up_scenarios(session, days, weeks)
    return len(days)


def _roll_up_range(session, target, key, start, end):
    """``target`` rows for [start, end): actions summed, distinct users counted."""
    session.execute(delete(target).where(key == start))
    actions = {(path, plugin): n for path, plugin, n in _sums(session, start, end)}
    users = _distinct_users(session, start, end)
    rows = [
        {key.name: start, "org_path": path, "plugin": plugin, "actions": int(n), "users": users.get((path, plugin), 0)}
        for (path, plugin), n in actions.items()
    ]
    if rows:
        session.execute(insert(target), rows)


def _sums(session, start, end):
    return session.execute(
        select(COUNT.c.org_path, COUNT.c.plugin, func.sum(COUNT.c.n))
        .where(COUNT.c.day >= start, COUNT.c.day < end)
        .group_by(COUNT.c.org_path, COUNT.c.plugin)
    ).all()


def _distinct_users(session, start, end):
    rows = session.execute(
        select(USER_DAY.c.org_path, USER_DAY.c.plugin, func.count(func.distinct(USER_DAY.c.user_id)))
        .where(USER_DAY.c.day >= start, USER_DAY.c.day < end)
        .group_by(USER_DAY.c.org_path, USER_DAY.c.plugin)
    ).all()
    return {(path, plugin): n for path, plugin, n in rows}


def _roll_up_user_week(session, week):
    session.execute(delete(USER_WEEK).where(USER_WEEK.c.week == week))
    distinct = (
        select(literal(week, USER_WEEK.c.week.type), USER_DAY.c.org_path, USER_DAY.c.plugin, USER_DAY.c.user_id)
        .where(USER_DAY.c.day >= week, USER_DAY.c.day < week + timedelta(days=7))
        .group_by(USER_DAY.c.org_path, USER_DAY.c.plugin, USER_DAY.c.user_id)
    )
    session.execute(insert(USER_WEEK).from_select(["week", "org_path", "plugin", "user_id"], distinct))
