"""``gridwork demo``'s waste sorting: a county checklist (and one street's extra item), a
point in every demo grid and one per community, eight weeks of inspections ending today
with failures (a few points fail often), their rectifications — one overdue, one open and
due, the rest closed by passing re-checks — and household points on every community's wall.

History is inserted directly (one audit entry for the seeding, no events: nothing happened
today); only the two open rectifications get their inbox notices and escalations, as a live
failure would. Deterministic: a seeded ``random.Random`` over dates counted back from the
current week, so the trend chart always shows the last eight weeks."""

import random
from datetime import datetime, time, timedelta

from sqlmodel import select

from core.public import (
    ServiceUnavailable,
    call_service,
    clock,
    record_audit,
    system_query,
    today,
)
from plugins.waste_sorting.checklists.services import DEFAULT_ITEMS, DEFAULT_RULES
from plugins.waste_sorting.inspections import rectify
from plugins.waste_sorting.inspections.scoring import judge
from plugins.waste_sorting.ledger import chain
from plugins.waste_sorting.models import Checklist, CollectionPoint, Inspection, InspectionItem, Rectification
from plugins.waste_sorting.permissions import PLUGIN

SEED = 20251301
WEEKS = 8
SUPERVISOR = "community_admin"  # 社区管理员 张敏 supervises 幸福社区's points in the demo
STREET_ITEM = {"key": "doorstep", "title": "投放点周边无乱堆乱放", "weight": 10, "critical": False}


def seed_demo_data(db, county_path, org_nodes):
    if _seeded(db, county_path):
        return {"summary": "垃圾分类演示数据已存在，未重复添加", "files": []}
    rng = random.Random(SEED)
    county = _checklists(db, county_path, org_nodes)
    points = _points(db, org_nodes)
    counts = _history(db, rng, points, county)
    awarded = _household_points(db, rng, org_nodes)
    record_audit(
        db,
        f"{PLUGIN}.demo_seeded",
        actor="demo",
        target=f"{PLUGIN}:demo",
        org_path=county_path,
        detail={"points": len(points), **counts, "points_entries": awarded},
    )
    summary = (
        f"投放点 {len(points)} 处，8 周检查 {counts['inspections']} 次（不合格 {counts['failures']} 次），"
        f"整改中 {counts['open']} 处（逾期 1 处），户积分 {awarded} 笔"
    )
    return {"summary": summary, "files": []}


def _seeded(db, county_path):
    statement = select(Checklist.id).where(Checklist.org_path == county_path, Checklist.created_by == "demo")
    return db.exec(system_query(statement, "the demo looks for its own checklist")).first() is not None


def _checklists(db, county_path, org_nodes):
    county = Checklist(org_path=county_path, version=1, items=DEFAULT_ITEMS, created_by="demo", **DEFAULT_RULES)
    streets = [n["path"] for n in org_nodes if n["kind"] == "street"]
    db.add(county)
    if streets:
        db.add(Checklist(org_path=streets[0], version=1, items=[STREET_ITEM], created_by="demo", **DEFAULT_RULES))
    db.flush()
    return county


def _points(db, org_nodes):
    names = {n["path"]: n["name"] for n in org_nodes}
    points = []
    for node in org_nodes:
        if node["kind"] == "community":
            points.append(_point(node["path"], f"{node['name']}服务站投放点", "社区服务站东侧", ""))
        elif node["kind"] == "grid":
            supervisor = SUPERVISOR if node["path"].startswith("c01/s01/m01/") else ""
            points.append(_point(node["path"], f"{names[node['path']]}1号投放点", "主路口北侧", supervisor))
    db.add_all(points)
    db.flush()
    return points


def _point(path, name, location, supervisor):
    return CollectionPoint(
        org_path=path,
        name=name,
        location=location,
        supervisor=supervisor,
        bin_types=["kitchen", "recyclable", "hazardous", "other"],
        schedule="07:00-09:00、18:00-20:00",
    )


def _history(db, rng, points, county):
    """Inspections every other day or so for eight weeks; the first grid point of the first
    community ends overdue, the second ends open and due; the rest end closed."""
    items, first_day = DEFAULT_ITEMS, today() - timedelta(days=7 * (WEEKS - 1) + today().weekday())
    counts = {"inspections": 0, "failures": 0, "open": 0}
    for index, point in enumerate(points):
        fail_rate = 0.45 if index % 5 == 1 else 0.15
        day, open_rect = first_day, None
        while day <= today() - timedelta(days=6 if index < 2 else 1):
            failed = {item["key"] for item in items if rng.random() < fail_rate / 3}
            open_rect = _inspect(db, point, county, items, failed, day, open_rect, counts)
            day += timedelta(days=rng.choice((1, 2, 2, 3)))
        if index == 0:  # ends overdue: failed 5 days ago, 3 days to fix it
            open_rect = _inspect(
                db, point, county, items, {"bins_full", "labels"}, today() - timedelta(days=5), open_rect, counts
            )
        elif index == 1:  # ends open and due: failed this morning
            open_rect = _inspect(db, point, county, items, {"sorted"}, today(), open_rect, counts)
        elif open_rect is not None:  # everyone else's last failure was put right
            open_rect = _inspect(db, point, county, items, set(), today() - timedelta(days=1), open_rect, counts)
        if open_rect is not None:
            counts["open"] += 1
            rectify.assign(db, open_rect, point, f"投放点需整改：{point.name}")  # as a live failure would
    return counts


def _inspect(db, point, county, items, failed, day, open_rect, counts):
    verdict = judge(items, failed, county.pass_mark)
    at = clock.local(datetime.combine(day, time(8, 30), tzinfo=clock.local(clock.now()).tzinfo))
    inspection = Inspection(
        org_path=point.org_path,
        point_id=point.id,
        checklist_id=county.id,
        score=verdict.score,
        passed=verdict.passed,
        critical_failed=verdict.critical_failed,
        inspector="grid_worker",
        inspected_at=at,
        local_day=day,
        week_start=day - timedelta(days=day.weekday()),
        rectification_id=open_rect.id if open_rect else None,
    )
    db.add(inspection)
    db.flush()
    db.add_all(
        [
            InspectionItem(
                inspection_id=inspection.id,
                item_key=i["key"],
                title=i["title"],
                weight=i["weight"],
                critical=i["critical"],
                passed=i["key"] not in failed,
            )
            for i in items
        ]
    )
    counts["inspections"] += 1
    counts["failures"] += not verdict.passed
    if open_rect is not None and verdict.passed:
        open_rect.status, open_rect.closed_at, open_rect.closed_by_inspection_id = "closed", at, inspection.id
        db.add(open_rect)
        return None
    if open_rect is not None:
        open_rect.rechecks += 1
        open_rect.deadline = at + timedelta(days=county.deadline_days)
        return open_rect
    if verdict.passed:
        return None
    rectification = Rectification(
        org_path=point.org_path,
        point_id=point.id,
        inspection_id=inspection.id,
        assigned_to=point.supervisor,
        deadline=at + timedelta(days=county.deadline_days),
        opened_at=at,
    )
    db.add(rectification)
    db.flush()
    return rectification


def _household_points(db, rng, org_nodes):
    entries = 0
    for node in (n for n in org_nodes if n["kind"] == "community"):
        try:
            households = call_service("resident_info.households_in", org_path=node["path"], session=db, limit=40)
        except ServiceUnavailable:
            return entries  # no resident register: no households to award
        start = clock.now() - timedelta(weeks=WEEKS)
        for step, household in enumerate(rng.sample(households, min(20, len(households)))):
            for n in range(rng.randint(1, 6)):
                chain.append(
                    db,
                    node["path"],
                    at=start + timedelta(hours=step * 6 + n * 48),
                    household_id=household["id"],
                    surname=household["surname"],
                    house=household["house"],
                    points=rng.choice((1, 2, 2)),
                    action="correct_sorting",
                    reason="",
                    inspection_id=None,
                    reverses_seq=None,
                    actor="demo",
                )
                entries += 1
    return entries
