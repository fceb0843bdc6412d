"""The nightly rollup: raw counts and user-day rows → daily and weekly tables.

Each night recomputes the last ``DAYS_BACK`` days and the weeks touching them from the raw
rows (delete, then insert what the raw rows say), so a line ingested late is rolled up the
next night and running the job twice changes nothing. Weekly distinct users come from the
user-day rows (one row per user × week × node × module), never from adding daily counts.
The scenario tables (opens, actions, distinct users per scenario) are rolled up the same way.
"""

from datetime import timedelta

from sqlalchemy import case, delete, func, insert, literal, select

from core.usage.models import (
    ScenarioDaily,
    ScenarioUseCount,
    ScenarioUserDay,
    ScenarioUserWeek,
    ScenarioWeekly,
    UsageCount,
    UsageDaily,
    UsageUserDay,
    UsageUserWeek,
    UsageWeekly,
)

DAYS_BACK = 8
COUNT, USER_DAY, USER_WEEK = UsageCount.__table__, UsageUserDay.__table__, UsageUserWeek.__table__
DAILY, WEEKLY = UsageDaily.__table__, UsageWeekly.__table__
S_COUNT, S_USER_DAY, S_USER_WEEK = ScenarioUseCount.__table__, ScenarioUserDay.__table__, ScenarioUserWeek.__table__
S_DAILY, S_WEEKLY = ScenarioDaily.__table__, ScenarioWeekly.__table__


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


def _roll_up_user_week(session, week, day_rows=USER_DAY, week_rows=USER_WEEK, key="plugin"):
    """One row per user × week × node × ``key`` (plugin or scenario), from the day rows."""
    session.execute(delete(week_rows).where(week_rows.c.week == week))
    distinct = (
        select(literal(week, week_rows.c.week.type), day_rows.c.org_path, day_rows.c[key], day_rows.c.user_id)
        .where(day_rows.c.day >= week, day_rows.c.day < week + timedelta(days=7))
        .group_by(day_rows.c.org_path, day_rows.c[key], day_rows.c.user_id)
    )
    session.execute(insert(week_rows).from_select(["week", "org_path", key, "user_id"], distinct))


def roll_up_scenarios(session, days, weeks):
    """The same per scenario: opens and actions summed, distinct users counted."""
    for day in days:
        _roll_up_scenario_range(session, S_DAILY, S_DAILY.c.day, day, day + timedelta(days=1))
    for week in weeks:
        _roll_up_user_week(session, week, S_USER_DAY, S_USER_WEEK, "scenario")
        _roll_up_scenario_range(session, S_WEEKLY, S_WEEKLY.c.week, week, week + timedelta(days=7))


def _roll_up_scenario_range(session, target, key, start, end):
    session.execute(delete(target).where(key == start))
    is_open = S_COUNT.c.kind == "open"
    sums = session.execute(
        select(
            S_COUNT.c.org_path,
            S_COUNT.c.scenario,
            func.sum(case((is_open, S_COUNT.c.n), else_=0)),
            func.sum(case((is_open, 0), else_=S_COUNT.c.n)),
        )
        .where(S_COUNT.c.day >= start, S_COUNT.c.day < end)
        .group_by(S_COUNT.c.org_path, S_COUNT.c.scenario)
    ).all()
    users = session.execute(
        select(S_USER_DAY.c.org_path, S_USER_DAY.c.scenario, func.count(func.distinct(S_USER_DAY.c.user_id)))
        .where(S_USER_DAY.c.day >= start, S_USER_DAY.c.day < end)
        .group_by(S_USER_DAY.c.org_path, S_USER_DAY.c.scenario)
    ).all()
    people = {(path, scenario): n for path, scenario, n in users}
    rows = [
        {key.name: start, "org_path": path, "scenario": scenario, "opens": int(opens), "actions": int(actions),
         "users": people.get((path, scenario), 0)}
        for path, scenario, opens, actions in sums
    ]  # fmt: skip
    if rows:
        session.execute(insert(target), rows)
