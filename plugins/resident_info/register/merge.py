"""Merging two records of one person (near-duplicates): the kept record takes over what the
other knew, both histories stay, and the other record remains — marked as merged, hidden
from lists — so nothing is ever lost."""

from sqlmodel import select

from core.public import ApiError, ServiceError, not_found, record_audit, utcnow
from plugins.resident_info.models import ResidentChange, ResidentTag
from plugins.resident_info.permissions import PLUGIN, READ_SENSITIVE
from plugins.resident_info.register import documents, events
from plugins.resident_info.register.present import diff, masked, snapshot
from plugins.resident_info.register.services import STALE, find_resident, flush_or_conflict, sync_tags, target_of

FILLED_FROM_OTHER = (
    "id_number",
    "id_last4",
    "phone",
    "building",
    "unit",
    "room",
    "household_id",
    "relation_to_head",
    "status_date",
)


def merge_residents(db, access, keep_id, keep_version, merge_id, merge_version):
    """Merge resident ``merge_id`` into ``keep_id``; returns the kept resident.

    Refused when either is outside the writer's scope (404), when a version is stale or a
    record was already merged (409), and when the two cannot be one person: another county,
    different ID numbers, different birth date or gender (422).
    """
    keep, other = (_writable(db, access, resident_id) for resident_id in (keep_id, merge_id))
    if not (access.sensitive.covers(keep.org_path) and access.sensitive.covers(other.org_path)):
        # Merging compares exact birth dates: without the full view it would tell them.
        raise ServiceError(403, "合并记录需要“查看完整身份证号和电话”权限。", permission=READ_SENSITIVE)
    if keep is other:
        raise ApiError(422, "不能把一条记录合并到它自己。", pointer="/merge_id")
    for resident, version, pointer in ((keep, keep_version, "/keep_version"), (other, merge_version, "/merge_version")):
        if resident.merged_into_id:
            raise ApiError(409, f"{resident.id} 号居民已合并到 {resident.merged_into_id} 号，不能再合并。")
        if resident.version != version:
            raise ApiError(409, STALE, pointer=pointer)
    _check_same_person(keep, other)
    before, other_before = snapshot(keep), snapshot(other)
    known = {field: getattr(other, field) for field in FILLED_FROM_OTHER}  # before _retire clears the ID
    _retire(db, keep, other)
    documents.follow(db, other, into=keep)
    _take_over(keep, other, known)
    flush_or_conflict(db)
    sync_tags(db, keep)
    after = snapshot(keep)
    changes = diff(before, after)
    db.add(
        ResidentChange(
            resident_id=keep.id,
            actor=access.username,
            action="merged",
            changes={**changes, "merged_from": {"old": None, "new": other.id}},
        )
    )
    db.add(
        ResidentChange(
            resident_id=other.id,
            actor=access.username,
            action="merged_into",
            changes={
                "merged_into_id": {"old": None, "new": keep.id},
                "id_number": {"old": masked("id_number", other_before["id_number"]), "new": None},
            },
        )
    )
    record_audit(
        db,
        f"{PLUGIN}.resident_merged",
        actor=access.username,
        target=target_of(keep),
        org_path=keep.org_path,
        ip=access.ip,
        detail={"kept": keep.id, "merged": other.id, "fields": sorted(changes)},
    )
    events.merged(db, access.username, keep, other)
    if changes:
        events.updated(db, access.username, keep, before, after, sorted(changes))
    return keep


def _writable(db, access, resident_id):
    resident = find_resident(db, access.read, resident_id)
    if not access.write.covers(resident.org_path):
        raise not_found("没有找到这位居民，或不在您的管理范围内。")
    return resident


def _check_same_person(keep, other):
    if keep.county_path != other.county_path:
        raise ApiError(422, "只能合并同一个县的记录。", pointer="/merge_id")
    if keep.id_number and other.id_number and keep.id_number != other.id_number:
        raise ApiError(422, "两条记录的身份证号不同，不是同一个人，不能合并。", pointer="/merge_id")
    if keep.birth_date != other.birth_date or keep.gender != other.gender:
        raise ApiError(422, "两条记录的出生日期或性别不同，不能合并。", pointer="/merge_id")


def _retire(db, keep, other):
    """Mark the other record merged and free its ID number (unique per county) first."""
    other.merged_into_id, other.id_number, other.id_last4 = keep.id, None, None
    other.updated_at = utcnow()
    flush_or_conflict(db)
    for row in db.exec(select(ResidentTag).where(ResidentTag.resident_id == other.id)).all():
        db.delete(row)


def _take_over(keep, other, known):
    """Blanks of the kept record are filled from what the other knew; tags and extra fields
    are united (the kept record's value wins); notes are joined."""
    for field, value in known.items():
        if getattr(keep, field) in (None, "") and value not in (None, ""):
            setattr(keep, field, value)
    present = {entry["tag"] for entry in keep.tags or []}
    keep.tags = [*(keep.tags or []), *(dict(e) for e in other.tags or [] if e["tag"] not in present)]
    keep.extra = {**(other.extra or {}), **(keep.extra or {})}
    if other.notes and other.notes not in keep.notes:
        keep.notes = "\n".join(filter(None, [keep.notes, other.notes]))[:1000]
    keep.updated_at = utcnow()
