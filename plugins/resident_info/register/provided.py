"""Services other plugins call through the core (``call_service``), never by importing us.
Their keyword arguments and plain-data answers are an API: keep them stable.

Both answer masked data only — a full ID number or phone never leaves through a service.
"""

from sqlalchemy import exists
from sqlmodel import select

from core.public import ApiError, DataScope, get_session, scope_for, scope_of_model, today, validate_or_raise
from plugins.resident_info.models import Household, Resident, ResidentTag
from plugins.resident_info.permissions import READ, READ_HEALTH
from plugins.resident_info.register.present import brief_json
from plugins.resident_info.register.queries import years_before

MAX_IDS = 1000
RULE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "tags_all": {"type": "array", "maxItems": 20, "items": {"type": "string", "minLength": 1, "maxLength": 50}},
        "tags_any": {"type": "array", "maxItems": 20, "items": {"type": "string", "minLength": 1, "maxLength": 50}},
        "min_age": {"type": "integer", "minimum": 0, "maximum": 150},
        "max_age": {"type": "integer", "minimum": 0, "maximum": 150},
        "status": {"enum": ["living", "moved_out", "deceased"]},
    },
}


def get_residents(ids, actor, session=None):
    """``resident_info.get_residents``: the residents with these ids that ``actor`` may read
    (others are silently left out, as if they did not exist), masked; health tags only where
    the actor holds READ_HEALTH. Order follows ``ids``.

    :param ids: resident ids (at most 1000).
    :param actor: the signed-in actor the caller acts for (``current_actor``).
    :param session: a database session (default: the request's).
    """
    ids = [int(resident_id) for resident_id in ids][:MAX_IDS]
    db = session or get_session()
    scope, health = scope_for(actor, READ), scope_for(actor, READ_HEALTH)
    statement = scope_of_model(select(Resident).where(Resident.id.in_(ids)), scope, Resident)
    found = {resident.id: resident for resident in db.exec(statement).all()}
    return [brief_json(found[i], health_visible=health.covers(found[i].org_path)) for i in ids if i in found]


def find_by_tag_rule(rule, scope_paths, actor=None, session=None, limit=5000, resident_ids=None):
    """``resident_info.find_by_tag_rule``: residents matching a tag-and-age rule inside the
    given org subtrees (special-group visits build their rosters with it), masked, without
    health tags in the answer (a rule may still match on them: the caller's own permission
    decided it may ask).

    :param rule: ``{"tags_all": [...], "tags_any": [...], "min_age": 70, "max_age": 90,
        "status": "living"}`` (status defaults to living); 422 ``ApiError`` when malformed.
    :param scope_paths: org paths whose subtrees to search (the caller's data scope).
    :param actor: optional; when given, the search is also limited to where the actor may
        read residents (and resident_info is enabled).
    :param session: a database session (default: the request's).
    :param resident_ids: optional; only these residents (a subscriber checking whether the
        residents an event names still match, one indexed query instead of a whole grid).
    """
    validate_or_raise(RULE_SCHEMA, rule)
    db = session or get_session()
    statement = scope_of_model(select(Resident), DataScope(tuple(scope_paths)), Resident)
    if actor is not None:
        statement = scope_of_model(statement, scope_for(actor, READ), Resident)
    statement = statement.where(Resident.merged_into_id.is_(None), Resident.status == rule.get("status", "living"))
    if resident_ids is not None:
        statement = statement.where(Resident.id.in_([int(resident_id) for resident_id in resident_ids][:MAX_IDS]))
    for tag in rule.get("tags_all", []):
        statement = statement.where(_has_tag(ResidentTag.tag == tag))
    if rule.get("tags_any"):
        statement = statement.where(_has_tag(ResidentTag.tag.in_(rule["tags_any"])))
    this_day = today()
    if "min_age" in rule:
        statement = statement.where(Resident.birth_date <= years_before(this_day, rule["min_age"]))
    if "max_age" in rule:
        statement = statement.where(Resident.birth_date > years_before(this_day, rule["max_age"] + 1))
    if "min_age" in rule and "max_age" in rule and rule["min_age"] > rule["max_age"]:
        raise ApiError(422, "min_age 不能大于 max_age。", pointer="/min_age")
    return [brief_json(resident) for resident in db.exec(statement.order_by(Resident.id).limit(limit)).all()]


def _has_tag(condition):
    return exists().where(ResidentTag.resident_id == Resident.id, condition)


def resident_by_id(resident_id, actor, session=None):
    """``resident_info.resident_by_id``: one resident (as ``get_residents``) or None."""
    found = get_residents([resident_id], actor, session)
    return found[0] if found else None


def households_in(org_path, actor=None, session=None, limit=5000):
    """``resident_info.households_in``: the households at or below ``org_path`` — as
    ``{"id", "org_path", "surname", "house"}``: the head's surname only (never the full name)
    and the house number ("3栋2单元301"), enough for a points wall that masks names. When
    ``actor`` is given, only households the actor may read are answered.

    :param org_path: the node whose subtree to list (a community, a grid).
    :param actor: optional; limits the answer to the actor's READ scope.
    :param session: a database session (default: the request's).
    """
    db = session or get_session()
    scope = DataScope((org_path,))
    statement = scope_of_model(select(Household), scope, Household)
    if actor is not None:
        statement = scope_of_model(statement, scope_for(actor, READ), Household)
    households = db.exec(statement.order_by(Household.id).limit(limit)).all()
    head_ids = [household.head_resident_id for household in households if household.head_resident_id]
    heads = scope_of_model(select(Resident.id, Resident.name).where(Resident.id.in_(head_ids)), scope, Resident)
    names = dict(db.exec(heads).all()) if head_ids else {}
    return [_household_brief(household, names.get(household.head_resident_id)) for household in households]


def _household_brief(household, head_name):
    parts = [(household.building, "栋"), (household.unit, "单元"), (household.room, "")]
    house = "".join(f"{value}{unit}" for value, unit in parts if value) or household.address[:40]
    return {"id": household.id, "org_path": household.org_path, "surname": (head_name or "")[:1], "house": house}
