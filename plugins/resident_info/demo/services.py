"""``gridwork demo``'s residents: about 2,000 people in households over the demo county's
grids (``demo.households`` plans them), and the spreadsheet a visitor imports
(``demo.import_file``).

A fast path rather than ``services.register_resident`` once per person (2,000 audit
entries and 2,500 events): the records are generated valid (the tests check every one
against ``validation.validate_resident``), so they are inserted in bulk with their history
rows and tag index rows, and the seeding writes ONE audit entry. No events are published:
nothing happened to these people today, and subscribers seed their own demo data through
the same hook.
"""

from collections import Counter
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import insert, update
from sqlmodel import func, select

from core.public import record_audit, system_query, utcnow
from plugins.resident_info.demo import import_file
from plugins.resident_info.demo.households import BUILDINGS_PER_GRID, Place, plan_households
from plugins.resident_info.demo.people import PeopleMaker
from plugins.resident_info.models import Household, Resident, ResidentChange, ResidentTag
from plugins.resident_info.permissions import PLUGIN
from plugins.resident_info.register import ids
from plugins.resident_info.register.present import first_values, snapshot

SEED = 20250630
TARGET_RESIDENTS = 2000
ACTOR = "demo"
WHOLE_COUNTY = "the demo seeds the whole demo county"


def seed_demo_data(db, county_path, org_nodes, folder):
    """The hook's work: residents (once) and the import file (every run); the summary."""
    places = demo_places(org_nodes)
    if not places:
        return {"summary": "演示县没有网格，未添加居民", "files": []}
    plans = plan_households(PeopleMaker(SEED), places, TARGET_RESIDENTS)
    if _already_seeded(db, county_path, plans):
        summary = f"演示居民已存在，未重复添加（本县共 {count_residents(db, county_path)} 人）"
    else:
        summary = _insert(db, county_path, plans, len(places))
    community = places[0]
    grid_names = [place.grid_name for place in places if place.community == community.community]
    path = Path(folder) / import_file.FILENAME
    path.write_bytes(import_file.demo_import_xlsx(community.community, grid_names))
    summary += f"；导入示例文件为{community.community}准备了 {import_file.ROWS} 行（含 3 行错误、1 行身份证号重复）"
    return {"summary": summary, "files": [str(path)]}


def demo_places(org_nodes):
    """Each grid with its community's name and its own buildings: grid k of a community
    has buildings 4k-3 … 4k (号楼, or 组 in a village)."""
    by_path = {node["path"]: node for node in org_nodes}
    places, index_in = [], Counter()
    for node in org_nodes:
        if node["kind"] != "grid":
            continue
        community = by_path.get(node["parent_path"], {}).get("name", "")
        index_in[community] += 1
        village = community.endswith("村")
        first = BUILDINGS_PER_GRID * (index_in[community] - 1) + 1
        buildings = tuple(f"{n}{'组' if village else '号楼'}" for n in range(first, first + BUILDINGS_PER_GRID))
        places.append(Place(node["path"], node["name"], community, buildings, village))
    return sorted(places, key=lambda place: place.org_path)


def _already_seeded(db, county_path, plans):
    """Idempotence: the plan is deterministic, so one of its ID numbers in the county
    means the demo seeded it before (the seeding is one transaction: all or nothing)."""
    numbers = [member.id_number for plan in plans for member in plan.members]
    statement = (
        select(func.count())
        .select_from(Resident)
        .where(Resident.county_path == county_path, Resident.id_number.in_(numbers))
    )
    return db.exec(system_query(statement, WHOLE_COUNTY)).one() > 0


def count_residents(db, county_path):
    statement = select(func.count()).select_from(Resident).where(Resident.county_path == county_path)
    return db.exec(system_query(statement, WHOLE_COUNTY)).one()


def _insert(db, county_path, plans, grid_count):
    """Bulk inserts (ORM ``insert()`` with RETURNING, ids in parameter order): the same rows
    ``register_resident`` writes — resident, history row, tag index rows (what ``sync_tags``
    writes for a new resident) — without building 5,000 ORM objects one by one."""
    now = utcnow()
    household_ids = _insert_returning_ids(
        db,
        Household,
        [
            {
                "county_path": county_path,
                "org_path": plan.place.org_path,
                "building": plan.building,
                "unit": plan.unit,
                "room": plan.room,
                "address": plan.address,
                "created_at": now,
                "updated_at": now,
            }
            for plan in plans
        ],
    )
    rows = [
        _resident_row(county_path, plan, household_id, member, now)
        for plan, household_id in zip(plans, household_ids)
        for member in plan.members
    ]
    resident_ids = _insert_returning_ids(db, Resident, rows)
    heads = {
        row["household_id"]: resident_id
        for row, resident_id in zip(rows, resident_ids)
        if row["relation_to_head"] == "head"
    }
    db.execute(
        update(Household),
        [{"id": household_id, "head_resident_id": heads[household_id]} for household_id in household_ids],
    )
    db.execute(
        insert(ResidentChange),
        [
            {
                "resident_id": resident_id,
                "at": now,
                "actor": ACTOR,
                "action": "registered",
                "changes": first_values(snapshot(SimpleNamespace(**row))),
            }
            for row, resident_id in zip(rows, resident_ids)
        ],
    )
    tag_rows = [
        {
            "resident_id": resident_id,
            "tag": entry["tag"],
            "level": entry.get("level"),
            "sensitive": bool(entry.get("sensitive")),
        }
        for row, resident_id in zip(rows, resident_ids)
        for entry in row["tags"]
    ]
    if tag_rows:
        db.execute(insert(ResidentTag), tag_rows)
    statuses = Counter(row["status"] for row in rows)
    detail = {
        "residents": len(rows),
        "households": len(household_ids),
        "grids": grid_count,
        "moved_out": statuses["moved_out"],
        "deceased": statuses["deceased"],
    }
    record_audit(
        db,
        f"{PLUGIN}.demo_seeded",
        actor=ACTOR,
        target=f"{PLUGIN}_county:{county_path}",
        org_path=county_path,
        detail=detail,
    )
    return (
        f"居民 {len(rows)} 人（{len(household_ids)} 户，分布在 {grid_count} 个网格；"
        f"迁出 {statuses['moved_out']} 人，死亡 {statuses['deceased']} 人）"
    )


def _insert_returning_ids(db, model, rows):
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.scalars(statement, rows))


def _resident_row(county_path, plan, household_id, member, now):
    return {
        "county_path": county_path,
        "org_path": plan.place.org_path,
        "name": member.name,
        "gender": member.gender,
        "birth_date": member.birth_date,
        "id_number": member.id_number,
        "id_last4": ids.last4(member.id_number),
        "phone": member.phone,
        "building": plan.building,
        "unit": plan.unit,
        "room": plan.room,
        "household_id": household_id,
        "relation_to_head": member.relation_to_head,
        "registration": member.registration,
        "status": member.status,
        "status_date": member.status_date,
        "tags": [dict(entry) for entry in member.tags],
        "notes": member.notes,
        "extra": {},
        "merged_into_id": None,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
