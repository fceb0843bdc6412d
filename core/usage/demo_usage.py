"""A quarter and a half of plausible usage for the demo county, so the slimming list has
something to say: every module the demo switched on gets a profile — how many communities use
it, how many staff, how often — plus a few ratings and the resident form's field fills.

Known demo modules have a set profile (the resident register busy everywhere, waste sorting
used in one community a few times a month and rated badly); any other module is used
moderately. Deterministic (a fixed random seed) and only once: a county with counts keeps them.
"""

import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from core.timeutil import clock
from core.usage.models import Rating, UsageCount, UsageFormField, UsageUserDay
from core.usage.periods import last_quarter
from core.usage.rollup import roll_up
from core.usage.upsert import add_counts, insert_missing

PROFILES = {  # plugin: (share of communities using it, staff per community, actions per staff-day, rating)
    "resident_info": (1.0, 4, 6.0, 4),
    "special_visits": (0.75, 3, 2.5, 4),
    "waste_sorting": (0.25, 1, 0.3, 2),
}
MODERATE = (0.5, 2, 1.5, 3)
DEMO_USER_BASE = 900_000  # user ids of the demo's metered staff, clear of real accounts
FORMS = {  # plugin: (form, {field: share of submissions filling it}, submissions every third day)
    "resident_info": ("居民信息", {"姓名": 1.0, "联系电话": 0.8, "楼栋": 0.9, "备注": 0.03, "本县附加信息": 0.02}, 8),
    # points are entered rarely, and their coordinates hardly ever: the list suggests dropping them
    "waste_sorting": ("投放点", {"投放点名称": 1.0, "桶类": 1.0, "开放时间": 0.7, "纬度（可不填）": 0.02}, 2),
}


def seed_demo_usage(db, county_path, communities, plugins, today):
    """Seed usage from the start of last quarter to yesterday; returns days seeded (0 if done)."""
    already = db.execute(
        select(func.count()).select_from(UsageCount).where(UsageCount.org_path.startswith(county_path))
    )
    if already.scalar():
        return 0
    start = last_quarter(today).start
    days = [start + timedelta(days=n) for n in range((today - start).days)]
    chance = random.Random(15)
    for plugin in plugins:
        _seed_plugin(db, plugin, communities, days, chance)
    for plugin in plugins:
        if plugin in FORMS:
            _seed_form(db, plugin, communities[0], days, chance)
    _seed_ratings(db, plugins, communities, chance)
    for week_end in range(0, len(days) + 7, 7):
        roll_up(db, today - timedelta(days=week_end), days_back=7)
    return len(days)


def _seed_plugin(db, plugin, communities, days, chance):
    share, staff, per_day, _rating = PROFILES.get(plugin, MODERATE)
    used = communities[: max(1, round(len(communities) * share))]
    counts, users = [], []
    for index, community in enumerate(used):
        for day in days:
            if day.weekday() >= 5 and chance.random() < 0.8:
                continue  # little weekend work
            for person in range(staff):
                actions = _poisson(chance, per_day)
                if actions:
                    user_id = DEMO_USER_BASE + index * 10 + person
                    counts.append(
                        {"day": day, "org_path": community, "plugin": plugin, "action": f"{plugin}.read", "n": actions}
                    )
                    users.append({"day": day, "org_path": community, "plugin": plugin, "user_id": user_id})
    add_counts(db, UsageCount.__table__, counts, "n")
    insert_missing(db, UsageUserDay.__table__, users)


def _poisson(chance, mean):
    """A small whole number of actions around ``mean`` (Knuth's method: means here are small)."""
    limit, k, product = pow(2.718281828, -mean), 0, chance.random()
    while product > limit:
        k += 1
        product *= chance.random()
    return k


def _seed_form(db, plugin, community, days, chance):
    form, fill_rates, submissions = FORMS[plugin]
    rows = []
    for day in days[::3]:
        for field, rate in fill_rates.items():
            filled = sum(chance.random() < rate for _ in range(submissions))
            rows.append(
                {
                    "day": day,
                    "org_path": community,
                    "plugin": plugin,
                    "form": form,
                    "field": field,
                    "shown": submissions,
                    "filled": filled,
                }
            )
    add_counts(db, UsageFormField.__table__, rows, "shown", "filled")


def _seed_ratings(db, plugins, communities, chance):
    start = last_quarter(clock.today()).start
    for plugin in plugins:
        stars = PROFILES.get(plugin, MODERATE)[3]
        for person in range(5):
            given = max(1, min(5, stars + chance.choice((-1, 0, 0, 1))))
            comment = "流程太繁琐，和居民信息重复录入" if stars <= 2 and person == 0 else ""
            # A bad rating of the past left unanswered (history only: no inbox notice is sent).
            overdue = {"followup": "open", "reply_due": clock.now() - timedelta(days=30)} if given <= 2 else {}
            _add(db, "rating", plugin, communities[person % len(communities)], start + timedelta(days=10 + person * 7),
                 person, stars=given, comment=comment, **overdue)  # fmt: skip
        if stars <= 2:
            _add(db, "problem", plugin, communities[0], start + timedelta(days=20), 0, comment="找不到上次的检查记录")
    db.flush()


def _add(db, kind, plugin, org_path, day, person, **values):
    created = datetime.combine(day, time(10), tzinfo=clock.zone)
    user_id, month = DEMO_USER_BASE + person, created.strftime("%Y-%m")
    db.add(
        Rating(kind=kind, user_id=user_id, plugin=plugin, org_path=org_path, month=month, created_at=created, **values)
    )
