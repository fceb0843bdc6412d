"""The nightly rollup per scenario, run with the plugin rollup (``core.usage.rollup``): raw
opens and actions and the user-day rows → daily and weekly rows. Like the plugin rollup it
recomputes from the raw rows (running twice changes nothing) and takes weekly distinct users
from the user-day rows, never from adding daily counts."""

from datetime import timedelta

from sqlalchemy import case, delete, func, insert, literal, select

from core.usage.models import ScenarioDaily, ScenarioUseCount, ScenarioUserDay, ScenarioUserWeek, ScenarioWeekly

COUNT, USER_DAY, USER_WEEK = ScenarioUseCount.__table__, ScenarioUserDay.__table__, ScenarioUserWeek.__table__
DAILY, WEEKLY = ScenarioDaily.__table__, ScenarioWeekly.__table__


def roll_up_scenarios(session, days, weeks):
    """Recompute the scenario rows of ``days`` and of ``weeks`` (their Mondays)."""
    for day in days:
        _roll_up_range(session, DAILY, DAILY.c.day, day, day + timedelta(days=1))
    for week in weeks:
        _roll_up_user_week(session, week)
        _roll_up_range(session, WEEKLY, WEEKLY.c.week, week, week + timedelta(days=7))


def _roll_up_range(session, target, key, start, end):
    session.execute(delete(target).where(key == start))
    sums = session.execute(
        select(
            COUNT.c.org_path,
            COUNT.c.scenario,
            func.sum(case((COUNT.c.kind == "open", COUNT.c.n), else_=0)),
            func.sum(case((COUNT.c.kind == "open", 0), else_=COUNT.c.n)),
        )
        .where(COUNT.c.day >= start, COUNT.c.day < end)
        .group_by(COUNT.c.org_path, COUNT.c.scenario)
    ).all()
    users = dict(
        ((path, scenario), n)
        for path, scenario, n in session.execute(
            select(USER_DAY.c.org_path, USER_DAY.c.scenario, func.count(func.distinct(USER_DAY.c.user_id)))
            .where(USER_DAY.c.day >= start, USER_DAY.c.day < end)
            .group_by(USER_DAY.c.org_path, USER_DAY.c.scenario)
        ).all()
    )
    rows = [
        {key.name: start, "org_path": path, "scenario": scenario, "opens": int(opens), "actions": int(actions),
         "users": users.get((path, scenario), 0)}
        for path, scenario, opens, actions in sums
    ]  # fmt: skip
    if rows:
        session.execute(insert(target), rows)


def _roll_up_user_week(session, week):
    session.execute(delete(USER_WEEK).where(USER_WEEK.c.week == week))
    distinct = (
        select(literal(week, USER_WEEK.c.week.type), USER_DAY.c.org_path, USER_DAY.c.scenario, USER_DAY.c.user_id)
        .where(USER_DAY.c.day >= week, USER_DAY.c.day < week + timedelta(days=7))
        .group_by(USER_DAY.c.org_path, USER_DAY.c.scenario, USER_DAY.c.user_id)
    )
    session.execute(insert(USER_WEEK).from_select(["week", "org_path", "scenario", "user_id"], distinct))
