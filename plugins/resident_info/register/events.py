"""The events the register publishes (schemas in ``schemas/events/``), always in the
caller's transaction. Payloads carry ids, the org path and facts such as a tag — never an
ID number or a phone."""

from core.public import publish
from plugins.resident_info.permissions import PLUGIN

STATUS_EVENTS = {"moved_out": f"{PLUGIN}.resident_moved_out", "deceased": f"{PLUGIN}.resident_deceased"}


def _publish(db, actor, name, resident, **facts):
    publish(
        db,
        f"{PLUGIN}.{name}",
        {"resident_id": resident.id, "org_path": resident.org_path, **facts},
        org_path=resident.org_path,
        actor=actor,
    )


def registered(db, actor, resident):
    """``resident_registered``, then one ``resident_tagged`` per tag it arrived with (so a
    subscriber that follows tags needs only the tag events)."""
    _publish(db, actor, "resident_registered", resident, registration=resident.registration, status=resident.status)
    for entry in resident.tags or []:
        _publish(db, actor, "resident_tagged", resident, tag=entry["tag"], level=entry.get("level"))
    if resident.status in STATUS_EVENTS:
        _publish(
            db, actor, STATUS_EVENTS[resident.status].split(".")[1], resident, date=resident.status_date.isoformat()
        )


def updated(db, actor, resident, before, after, fields):
    """``resident_updated`` naming the changed fields, plus tagged/untagged from the tag
    diff and moved_out/deceased when the status became one of them."""
    moved = {"previous_org_path": before["org_path"]} if before["org_path"] != after["org_path"] else {}
    _publish(db, actor, "resident_updated", resident, fields=fields, **moved)
    old_tags = {entry["tag"]: entry.get("level") for entry in before["tags"]}
    new_tags = {entry["tag"]: entry.get("level") for entry in after["tags"]}
    for tag, level in new_tags.items():
        if tag not in old_tags or old_tags[tag] != level:
            _publish(db, actor, "resident_tagged", resident, tag=tag, level=level)
    for tag in old_tags.keys() - new_tags.keys():
        _publish(db, actor, "resident_untagged", resident, tag=tag)
    if after["status"] != before["status"] and after["status"] in STATUS_EVENTS:
        _publish(db, actor, STATUS_EVENTS[after["status"]].split(".")[1], resident, date=after["status_date"])


def merged(db, actor, kept, absorbed):
    _publish(db, actor, "resident_merged", kept, merged_id=absorbed.id)
