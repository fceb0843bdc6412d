"""The register's domain logic: register, edit (optimistic concurrency), history, events.

Plain values in (a session, an ``Access`` from ``register.access``, dicts), records out; no
Flask request. Every change writes its history row, its audit entry and its events in the
caller's transaction, so the caller's commit keeps all of them or none. Errors are ``ApiError``s with a Chinese
detail and the JSON pointer of the field.
"""

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import select

from core.public import ApiError, not_found, org_node_at, record_audit, scope_of_model, system_query, utcnow
from plugins.resident_info.models import Resident, ResidentChange, ResidentTag
from plugins.resident_info.permissions import PLUGIN
from plugins.resident_info.register import documents, events, fields, households, tag_sensitivity
from plugins.resident_info.register.present import (
    HIDDEN_DATE,
    SENSITIVE_FIELDS,
    brief_json,
    diff,
    first_values,
    history_json,
    masked,
    snapshot,
)
from plugins.resident_info.register.validation import county_of, validate_resident

STALE = "记录已被他人修改，请刷新后重试。"
DUPLICATE_ID = "该身份证号已在本县登记，同一居民在一个县只能有一条记录。"
BY_ID = "one record by primary key; the caller's scope is checked right after"


def find_resident(db, scope, resident_id):
    """The resident with this id inside ``scope``; 404 otherwise (also for ids of another tenant)."""
    resident = db.exec(system_query(select(Resident).where(Resident.id == resident_id), BY_ID)).first()
    if resident is None or not scope.covers(resident.org_path):
        raise not_found("没有找到这位居民，或不在您的管理范围内。")
    return resident


def invalid(errors):
    return ApiError(422, errors[0]["detail"], pointer=errors[0]["pointer"], errors=errors)


def validated(db, data, today=None, kept_tags=()):
    """``validate_resident`` with the county's extra fields and tags; 422 when it fails."""
    org_path = data.get("org_path") if isinstance(data, dict) else None
    extra_schema, county_tags = fields.county_settings(db, county_of(org_path) if isinstance(org_path, str) else "")
    clean, errors = validate_resident(data, extra_schema, county_tags=county_tags, kept_tags=kept_tags, today=today)
    if errors:
        raise invalid(errors)
    return clean


def _check_destination(db, access, clean):
    """The org node must be inside the writer's scope (404 otherwise) and exist."""
    if not access.write.covers(clean["org_path"]):
        raise not_found("所属网格不存在，或不在您的管理范围内。")
    if org_node_at(db, clean["org_path"]) is None:
        raise ApiError(422, "所属网格不存在。", pointer="/org_path")
    if clean.get("household_id"):
        households.check_household(db, access.write, clean["household_id"], clean["county_path"])


def _refuse_foreign_node(access, data):
    """A node outside the writer's scope is 404 before anything else is said about the
    record, so no answer (not even a form shown again) describes another tenant's node."""
    org_path = data.get("org_path") if isinstance(data, dict) else None
    if isinstance(org_path, str) and org_path and not access.write.covers(org_path):
        raise not_found("所属网格不存在，或不在您的管理范围内。")


def _check_unique(db, clean, resident_id=None):
    """One person, one record per county. The other record may lie outside the writer's
    scope, so the answer names the field, never the record."""
    if not clean.get("id_number"):
        return
    statement = select(Resident.id).where(
        Resident.county_path == clean["county_path"], Resident.id_number == clean["id_number"]
    )
    found = db.exec(system_query(statement, "uniqueness is per county, across every community in it")).first()
    if found is not None and found != resident_id:
        raise ApiError(409, DUPLICATE_ID, pointer="/id_number")


def register_resident(db, access, data, today=None):
    """Register one resident; returns ``(resident, possible duplicates)``.

    422 for bad input, 404 for an org node outside the writer's scope, 409 when the ID
    number is already registered in the county. Nothing is stored in any of those cases.
    """
    _refuse_foreign_node(access, data)
    clean = validated(db, data, today)
    _check_destination(db, access, clean)
    # Every refusal before the uniqueness check: a 409 that only a guessed, registered ID
    # reaches must not be told apart from a refusal that stores nothing anyway.
    _refuse_health_tags(access, clean["org_path"], [], clean["tags"])
    _check_unique(db, clean)
    now = utcnow()
    resident = Resident(**{key: clean.get(key) for key in RECORD_COLUMNS}, created_at=now, updated_at=now)
    db.add(resident)
    flush_or_conflict(db)
    sync_tags(db, resident)
    households.follow_head(db, resident)
    _remember(db, access, resident, "registered", first_values(snapshot(resident)))
    record_audit(
        db,
        f"{PLUGIN}.resident_registered",
        actor=access.username,
        target=target_of(resident),
        org_path=resident.org_path,
        ip=access.ip,
        detail={"resident_id": resident.id},
    )
    events.registered(db, access.username, resident)
    return resident, near_duplicates(db, access, resident)


RECORD_COLUMNS = (
    "county_path",
    "org_path",
    "name",
    "gender",
    "birth_date",
    "id_number",
    "id_last4",
    "phone",
    "building",
    "unit",
    "room",
    "household_id",
    "relation_to_head",
    "registration",
    "status",
    "status_date",
    "tags",
    "notes",
    "extra",
)


def update_resident(db, access, resident_id, patch, today=None):
    """Apply ``patch`` (a dict with ``version``) to a resident; returns the resident.

    The edit is refused (409, nothing overwritten) when ``version`` is not the stored one:
    someone else saved in between. Values a reader was shown masked may be sent back
    unchanged and count as "no change".
    """
    resident = find_resident(db, access.read, resident_id)
    if not access.write.covers(resident.org_path):
        raise not_found("没有找到这位居民，或不在您的管理范围内。")
    if resident.merged_into_id:
        raise ApiError(409, f"该记录已合并到 {resident.merged_into_id} 号居民，请修改合并后的记录。")
    _refuse_foreign_node(access, patch)
    _check_version(resident, patch.get("version"))
    before = snapshot(resident)
    changes = {key: value for key, value in patch.items() if key != "version"}
    for field in SENSITIVE_FIELDS:  # a masked value sent back means "leave it as it is"
        if field in changes and changes[field] and changes[field] == masked(field, before[field]):
            del changes[field]
    if changes.get("birth_date", "") in (None, HIDDEN_DATE):  # so is a hidden birth date
        del changes["birth_date"]
    _refuse_birth_date_without_id(before, changes)
    if changes.get("id_number"):  # a corrected ID brings its own birth date and gender
        changes = {"birth_date": None, "gender": None, **changes}
    if "tags" in changes and isinstance(changes["tags"], list):
        changes["tags"] = _keep_hidden_tags(access, resident, changes["tags"])
    clean = validated(db, {**before, **changes}, today, kept_tags=before["tags"])
    _refuse_health_tags(access, resident.org_path, before["tags"], clean["tags"])
    if clean["org_path"] != resident.org_path or clean.get("household_id") != resident.household_id:
        _check_destination(db, access, clean)
    _check_unique(db, clean, resident.id)
    return _apply(db, access, resident, before, clean)


def _refuse_birth_date_without_id(before, changes):
    """With an ID on file the birth date is its digits 7–14. Comparing a new date alone with
    the stored ID would answer, one try at a time, what the mask hides — so it is refused
    whatever its value: a new birth date comes with the new ID."""
    if "birth_date" in changes and "id_number" not in changes and before["id_number"]:
        raise ApiError(
            422, "有身份证号时，出生日期随身份证号：要改出生日期，请同时重新填写身份证号。", pointer="/birth_date"
        )


def _check_version(resident, version):
    if not isinstance(version, int) or isinstance(version, bool):
        raise ApiError(422, "缺少必填字段 version（记录的版本号，取自读取时的结果）。", pointer="/version")
    if version != resident.version:
        raise ApiError(409, STALE, pointer="/version")


def _apply(db, access, resident, before, clean):
    for key in RECORD_COLUMNS:
        setattr(resident, key, clean.get(key))
    after = snapshot(resident)
    changes = diff(before, after)
    if not changes:
        return resident
    resident.updated_at = utcnow()
    flush_or_conflict(db)
    if "tags" in changes:
        sync_tags(db, resident)
    if changes.keys() & {"household_id", "relation_to_head"}:
        households.follow_head(db, resident)
    if "org_path" in changes:
        documents.follow(db, resident)
    _remember(db, access, resident, "updated", changes)
    record_audit(
        db,
        f"{PLUGIN}.resident_updated",
        actor=access.username,
        target=target_of(resident),
        org_path=resident.org_path,
        ip=access.ip,
        detail={"resident_id": resident.id, "fields": sorted(changes)},
    )
    events.updated(db, access.username, resident, before, after, sorted(changes))
    return resident


def flush_or_conflict(db):
    try:
        db.flush()
    except StaleDataError:
        raise ApiError(409, STALE, pointer="/version") from None
    except IntegrityError:  # a concurrent registration of the same ID won the race
        raise ApiError(409, DUPLICATE_ID, pointer="/id_number") from None


def _keep_hidden_tags(access, resident, tags):
    """A reader without read_health never saw the health tags; saving the tags they did see
    must not drop the ones they could not."""
    if access.health.covers(resident.org_path):
        return tags
    sent = {entry.get("tag") for entry in tags if isinstance(entry, dict)}
    return tags + [entry for entry in resident.tags or [] if entry.get("sensitive") and entry["tag"] not in sent]


def _refuse_health_tags(access, org_path, old_tags, new_tags):
    def sensitive(tags):
        return {(entry["tag"], entry.get("level")) for entry in tags if entry.get("sensitive")}

    if sensitive(old_tags) != sensitive(new_tags) and not access.health.covers(org_path):
        raise ApiError(403, "设置健康或残疾类标签需要“查看健康与残疾信息”权限。", pointer="/tags")


def sync_tags(db, resident):
    """Rewrite the resident's rows in the tag index from its ``tags``."""
    for row in db.exec(select(ResidentTag).where(ResidentTag.resident_id == resident.id)).all():
        db.delete(row)
    for entry in resident.tags or []:
        db.add(
            ResidentTag(
                resident_id=resident.id,
                tag=entry["tag"],
                level=entry.get("level"),
                sensitive=bool(entry.get("sensitive")),
            )
        )
    db.flush()


def _remember(db, access, resident, action, changes):
    db.add(ResidentChange(resident_id=resident.id, actor=access.username, action=action, changes=changes))


def target_of(resident):
    return f"{PLUGIN}_resident:{resident.id}"


def history_of(db, resident):
    """The resident's history, newest first, including the history of every record merged
    into it (the caller found the resident in its scope)."""
    statement = select(ResidentChange).where(ResidentChange.resident_id.in_(merged_ids(db, resident)))
    return db.exec(statement.order_by(ResidentChange.at.desc(), ResidentChange.id.desc())).all()


def history_for(db, access, resident, reveal=False):
    """The history as this reader may see it (``present.history_json``), with the county's
    tag rules as they are now."""
    _schema, county_tags = fields.county_settings(db, resident.county_path)
    rules = tag_sensitivity.current_rules(county_tags)
    health_visible = access.health.covers(resident.org_path)
    shown = (
        history_json(change, health_visible=health_visible, reveal=reveal, tag_rules=rules)
        for change in history_of(db, resident)
    )
    return [item for item in shown if item is not None]


def merged_ids(db, resident):
    """Its own id and those of every record merged into it (and into those, and so on)."""
    found, frontier = [resident.id], [resident.id]
    while frontier:
        statement = select(Resident.id).where(Resident.merged_into_id.in_(frontier))
        frontier = list(
            db.exec(system_query(statement, "records merged into one the caller already found in its scope")).all()
        )
        found.extend(frontier)
    return found


def near_duplicates(db, access, resident, limit=10):
    """Other residents with the same name, birth date and building: candidates for merging,
    shown masked — only to a reader who may see full values of both (the match is on the
    exact birth date: with a decoy record whose birth date one changes at will, it would
    otherwise tell the birth date the mask hides)."""
    if not access.sensitive.covers(resident.org_path):
        return []
    statement = select(Resident).where(
        Resident.county_path == resident.county_path,
        Resident.name == resident.name,
        Resident.birth_date == resident.birth_date,
        Resident.id != resident.id,
        Resident.merged_into_id.is_(None),
        Resident.building.is_(None) if resident.building is None else Resident.building == resident.building,
    )
    statement = scope_of_model(scope_of_model(statement, access.read, Resident), access.sensitive, Resident)
    found = db.exec(statement.order_by(Resident.id).limit(limit)).all()
    return [brief_json(other) for other in found]


def reveal(db, access, resident, ip="", reason=""):
    """Record one full view of a resident's ID number and phone (the caller checked
    READ_SENSITIVE). The audit entry names the fields shown, never the values, and the
    reason the reader gave (the page asks for one)."""
    shown = [field for field in SENSITIVE_FIELDS if getattr(resident, field)]
    detail = {"resident_id": resident.id, "fields": shown} | ({"reason": reason} if reason else {})
    record_audit(
        db,
        f"{PLUGIN}.sensitive_viewed",
        actor=access.username,
        target=target_of(resident),
        org_path=resident.org_path,
        ip=ip or access.ip,
        detail=detail,
    )
    return shown
