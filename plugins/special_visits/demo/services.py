"""Demo data (``gridwork demo``): the five default groups at the county, rosters built over
the demo residents by the same rebuild the nightly job runs, eight weeks of visits by the
demo grid worker in 第1网格 (seeded ``random.Random``), a few overdue, one past its grace
period and escalated to the community admin. Idempotent: a second run adds nothing."""

import random
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from core.public import DataScope, clock, record_audit, scope_of_model, today
from plugins.special_visits.groups.services import ensure_default_groups, group_by_id, interval_days
from plugins.special_visits.models import ACTIVE, RosterEntry, TargetGroup, Visit
from plugins.special_visits.roster.overdue import local_midnight, mark_escalated, mark_overdue
from plugins.special_visits.roster.rebuild import rebuild
from plugins.special_visits.visits.forms import FORMS

DEMO_WORKER = "grid_worker"
WEEKS = 8
OVERDUE_ENTRIES = 3  # entries whose visits stopped: overdue now, the first one escalated


def seed_demo_data(session, county_path, org_nodes):
    grid = next((node["path"] for node in org_nodes if node["kind"] == "grid"), None)
    county = DataScope((county_path,))
    if session.exec(scope_of_model(select(func.count()).select_from(Visit), county, Visit)).one():
        return {"summary": "演示走访数据已存在", "files": []}
    ensure_default_groups(session, county_path)
    groups = session.exec(scope_of_model(select(func.count()).select_from(TargetGroup), county, TargetGroup)).one()
    rebuild(session, county)
    entries = session.exec(
        scope_of_model(select(RosterEntry), DataScope((grid,)), RosterEntry)
        .where(RosterEntry.status == ACTIVE)
        .order_by(RosterEntry.id)
    ).all()
    visits = _visit_history(session, entries, random.Random(12))
    total = session.exec(scope_of_model(select(func.count()).select_from(RosterEntry), county, RosterEntry)).one()
    record_audit(
        session,
        "special_visits.demo_seeded",
        actor="demo",
        target="special_visits:demo",
        org_path=county_path,
        detail={"groups": groups, "entries": total, "visits": visits},
    )
    return {"summary": f"走访对象类别 {groups} 个，名单 {total} 条，第1网格走访记录 {visits} 条", "files": []}


def _visit_history(session, entries, rng):
    start = today() - timedelta(weeks=WEEKS)
    added = 0
    for index, entry in enumerate(entries):
        group = group_by_id(session, entry.group_id)
        every = interval_days(group)
        stop = (
            today() - timedelta(days=every + 3 + (group.grace_days if index == 0 else 0))
            if index < OVERDUE_ENTRIES
            else today()
        )
        entry.joined_on, day = start, start + timedelta(days=rng.randint(0, min(every, 10) - 1))
        due = start + timedelta(days=every)
        while day <= stop and day < today():
            added += _visit(session, entry, group, day, due, rng)
            due = day + timedelta(days=every)
            day += timedelta(days=every + rng.choice((-1, 0, 0, 1, 2, 4)))
        entry.due_date = due
        if index < OVERDUE_ENTRIES:
            mark_overdue(session, entry)
            if entry.escalation_at <= clock.now():
                mark_escalated(session, entry)
    session.flush()
    return added


def _visit(session, entry, group, day, due, rng):
    at = local_midnight(day) + timedelta(hours=rng.randint(9, 17), minutes=rng.randint(0, 59))
    findings = {key: "attention" if rng.random() < 0.06 else "normal" for key in group.checklist}
    session.add(
        Visit(
            entry_id=entry.id,
            group_id=group.id,
            resident_id=entry.resident_id,
            org_path=entry.org_path,
            visited_at=at,
            visitor=DEMO_WORKER,
            form=rng.choices(list(FORMS), (6, 3, 1))[0],
            findings=findings,
            note="" if rng.random() < 0.8 else "老人精神不错，叮嘱按时服药",
            due_date=due,
            on_time=day <= due,
        )
    )
    entry.last_visit_at = at
    return 1
