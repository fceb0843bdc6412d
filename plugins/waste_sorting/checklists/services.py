"""Checklists (检查标准): one per county, inherited by everything below it; a street may add
items of its own. Versioned: saving makes a new row with the next version and never touches
the old one, so an inspection that names its versions reads exactly as it was recorded."""

import re

from sqlalchemy import func
from sqlmodel import select

from core.public import ApiError, record_audit, system_query
from plugins.waste_sorting.models import Checklist
from plugins.waste_sorting.permissions import PLUGIN
from plugins.waste_sorting.places import county_of, street_of

DEFAULT_ITEMS = [
    {"key": "sorted", "title": "厨余、可回收、有害、其他分类投放正确", "weight": 30, "critical": True},
    {"key": "bins_full", "title": "桶未满溢，及时清运", "weight": 15, "critical": False},
    {"key": "bins_clean", "title": "桶身和地面干净无异味", "weight": 15, "critical": False},
    {"key": "labels", "title": "分类标识清楚完整", "weight": 10, "critical": False},
    {"key": "supervisor", "title": "开放时段督导员在岗", "weight": 15, "critical": False},
    {"key": "hazardous", "title": "有害垃圾单独存放", "weight": 15, "critical": True},
]
DEFAULT_RULES = {"pass_mark": 80, "deadline_days": 3, "repeat_fails": 3, "repeat_days": 30}
MAX_ITEMS = 30
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def latest(db, org_path):
    """The newest version at exactly this node (a county or a street), or None."""
    statement = select(Checklist).where(Checklist.org_path == org_path).order_by(Checklist.version.desc()).limit(1)
    return db.exec(system_query(statement, "a checklist applies to everything below its county or street")).first()


def versions(db, org_path):
    statement = select(Checklist).where(Checklist.org_path == org_path).order_by(Checklist.version.desc())
    return db.exec(system_query(statement, "a checklist's versions, read by those it applies to")).all()


def by_id(db, checklist_id):
    """The version an inspection names; None means the default checklist (the county had none)."""
    if checklist_id is None:
        return default_checklist()
    statement = select(Checklist).where(Checklist.id == checklist_id)
    return db.exec(system_query(statement, "the checklist an inspection in the reader's scope used")).first()


def effective(db, point_path):
    """``(county checklist, street extension or None)`` for a point. A county that has not
    written its own yet inspects by the default checklist (an unsaved one, ``id`` None), so
    it can start the day it switches the module on."""
    return latest(db, county_of(point_path)) or default_checklist(), latest(db, street_of(point_path))


def default_checklist():
    return Checklist(org_path="", version=0, items=DEFAULT_ITEMS, created_by="system", **DEFAULT_RULES)


def items_of(county, street):
    return list(county.items) + (list(street.items) if street else [])


def version_label(county, street):
    label = f"县级标准第 {county.version} 版" if county.version else "默认检查标准"
    return f"{label} + 街道补充第 {street.version} 版" if street else label


def save_version(db, org_path, items, rules, actor):
    """A new version at ``org_path`` (a county: items and rules; a street: extra items only)."""
    items = check_items(items)
    is_county = "/" not in org_path
    if is_county and not items:
        raise ApiError(422, "检查项：县级标准至少要有一项。", pointer="/items")
    version = (
        db.exec(
            system_query(
                select(func.max(Checklist.version)).where(Checklist.org_path == org_path), "next version number"
            )
        ).one()
        or 0
    ) + 1
    rules = {**DEFAULT_RULES, **(rules or {})} if is_county else DEFAULT_RULES
    checklist = Checklist(org_path=org_path, version=version, items=items, created_by=actor.username, **rules)
    db.add(checklist)
    db.flush()
    record_audit(
        db,
        f"{PLUGIN}.checklist_saved",
        actor=actor.username,
        target=f"{PLUGIN}_checklist:{checklist.id}",
        org_path=org_path,
        detail={"version": version, "items": len(items)},
    )
    return checklist


def check_items(items):
    if len(items) > MAX_ITEMS:
        raise ApiError(422, f"检查项：最多 {MAX_ITEMS} 项。", pointer="/items")
    seen = set()
    for index, item in enumerate(items):
        pointer = f"/items/{index}"
        if not KEY.match(item.get("key", "")) or item["key"] in seen:
            raise ApiError(422, f"检查项第 {index + 1} 项：编号无效或重复。", pointer=pointer + "/key")
        title = (item.get("title") or "").strip()
        if not 1 <= len(title) <= 100:
            raise ApiError(422, f"检查项第 {index + 1} 项：名称须为 1–100 个字。", pointer=pointer + "/title")
        if not isinstance(item.get("weight"), int) or not 1 <= item["weight"] <= 100:
            raise ApiError(422, f"检查项第 {index + 1} 项：分值须为 1–100 的整数。", pointer=pointer + "/weight")
        seen.add(item["key"])
    return [
        {"key": i["key"], "title": i["title"].strip(), "weight": i["weight"], "critical": bool(i.get("critical"))}
        for i in items
    ]
