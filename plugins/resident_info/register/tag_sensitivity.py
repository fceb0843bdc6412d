"""A county tag reclassified as sensitive — or no longer sensitive — counts at once for every
resident who already holds it: the tag index (which the tag filter reads) and each holder's
shown copy of its tags are rewritten in the administrator's transaction. History is read
with the county's current rules instead (``present.history_json``), as it is never rewritten."""

from sqlalchemy import update
from sqlmodel import select

from core.public import system_query
from plugins.resident_info.models import Resident, ResidentTag
from plugins.resident_info.register.validation import HEALTH_TAGS, tag_entry

CHUNK = 500  # residents per statement: SQLite and PostgreSQL both bound a statement's parameters
WHY = "a county's tag rules apply to every resident of the county"


def apply_to_holders(db, county_path, county_tags):
    """Rewrite the holders of every county tag whose stored sensitivity differs from
    ``county_tags`` (``[{"tag", "sensitive"}]``); returns how many residents changed."""
    changed = 0
    for entry in county_tags:
        tag, sensitive = entry["tag"], bool(entry.get("sensitive"))
        holders = (
            select(ResidentTag.resident_id)
            .join(Resident, Resident.id == ResidentTag.resident_id)
            .where(Resident.county_path == county_path, ResidentTag.tag == tag, ResidentTag.sensitive != sensitive)
        )
        ids = db.exec(system_query(holders, WHY)).all()
        for start in range(0, len(ids), CHUNK):
            _rewrite(db, ids[start : start + CHUNK], tag, sensitive)
        changed += len(ids)
    return changed


def _rewrite(db, ids, tag, sensitive):
    for resident in db.exec(system_query(select(Resident).where(Resident.id.in_(ids)), WHY)).all():
        resident.tags = [
            tag_entry(tag, held.get("level"), sensitive) if held["tag"] == tag else held for held in resident.tags
        ]
    db.exec(
        update(ResidentTag).where(ResidentTag.resident_id.in_(ids), ResidentTag.tag == tag).values(sensitive=sensitive)
    )


def current_rules(county_tags):
    """``{tag: sensitive}`` as the county defines its tags now (health tags always sensitive);
    a tag the county has removed keeps the sensitivity it was stored with."""
    return {**{tag: True for tag in HEALTH_TAGS}, **{e["tag"]: bool(e.get("sensitive")) for e in county_tags}}
