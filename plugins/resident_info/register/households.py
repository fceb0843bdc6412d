"""Households (户): an address and, optionally, a head of household. Members are residents
whose ``household_id`` points here, each with a relation to the head."""

from sqlmodel import func, select

from core.public import ApiError, not_found, org_node_at, record_audit, scope_of_model, system_query, utcnow
from plugins.resident_info.models import Household, Resident
from plugins.resident_info.permissions import PLUGIN
from plugins.resident_info.register.present import brief_json
from plugins.resident_info.register.validation import county_of

BY_ID = "one household by primary key; the caller's scope is checked right after"


def find_household(db, scope, household_id):
    household = db.exec(system_query(select(Household).where(Household.id == household_id), BY_ID)).first()
    if household is None or not scope.covers(household.org_path):
        raise not_found("没有找到这一户，或不在您的管理范围内。")
    return household


def check_household(db, scope, household_id, county_path):
    """A resident may join a household inside the writer's scope and the same county."""
    household = db.exec(system_query(select(Household).where(Household.id == household_id), BY_ID)).first()
    if household is None or not scope.covers(household.org_path) or household.county_path != county_path:
        raise ApiError(422, "所属户不存在，或不在您的管理范围内。", pointer="/household_id")
    return household


def list_households(db, scope, *, building=None, limit=50, offset=0):
    statement = scope_of_model(select(Household), scope, Household)
    count = scope_of_model(select(func.count()).select_from(Household), scope, Household)
    if building:
        statement, count = statement.where(Household.building == building), count.where(Household.building == building)
    rows = db.exec(statement.order_by(Household.id).limit(limit).offset(offset)).all()
    return rows, db.exec(count).one()


def create_household(db, access, data):
    """``data`` was checked against the household schema (types, lengths)."""
    org_path = data["org_path"]
    if not access.write.covers(org_path):
        raise not_found("所属网格不存在，或不在您的管理范围内。")
    if org_node_at(db, org_path) is None:
        raise ApiError(422, "所属网格不存在。", pointer="/org_path")
    household = Household(
        county_path=county_of(org_path),
        org_path=org_path,
        **{key: (data.get(key) or "").strip() or None for key in ("building", "unit", "room")},
        address=(data.get("address") or "").strip(),
    )
    db.add(household)
    db.flush()
    record_audit(
        db,
        f"{PLUGIN}.household_created",
        actor=access.username,
        target=f"{PLUGIN}_household:{household.id}",
        org_path=org_path,
        ip=access.ip,
        detail={"household_id": household.id},
    )
    return household


def members_of(db, scope, household):
    statement = select(Resident).where(Resident.household_id == household.id, Resident.merged_into_id.is_(None))
    return db.exec(scope_of_model(statement, scope, Resident).order_by(Resident.id)).all()


def household_json(household, members=None, *, health_scope=None):
    found = {
        "id": household.id,
        "org_path": household.org_path,
        "head_resident_id": household.head_resident_id,
        "building": household.building,
        "unit": household.unit,
        "room": household.room,
        "address": household.address,
    }
    if members is not None:
        found["members"] = [
            {
                **brief_json(member, health_visible=bool(health_scope and health_scope.covers(member.org_path))),
                "relation_to_head": member.relation_to_head,
            }
            for member in members
        ]
    return found


def follow_head(db, resident):
    """A member whose relation is "head" becomes the household's head (the writer's right
    to the household was checked when the resident joined it)."""
    if not resident.household_id or resident.relation_to_head != "head":
        return
    household = db.exec(system_query(select(Household).where(Household.id == resident.household_id), BY_ID)).first()
    if household is not None and household.head_resident_id != resident.id:
        household.head_resident_id = resident.id
        household.updated_at = utcnow()
        db.add(household)
