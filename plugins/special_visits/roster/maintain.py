"""Rosters that maintain themselves: every resident event re-checks that resident against
the groups that apply at their grid (``find_by_tag_rule`` limited to the residents named —
for the event handler, all of its delivery round's at once: ``round_facts.py``), and the
nightly rebuild (``rebuild.py``) reaches the same rows from scratch.

Statuses: ``active`` (on due lists), ``left`` (no longer matches: history kept, off the lists)
and ``ended`` (died or moved out: off every due list at once)."""

from datetime import timedelta

from sqlmodel import select

from core.public import DataScope, call_service, clock, object_closed, scope_of_model, today, utcnow
from plugins.special_visits.groups.services import groups_applying_at, interval_days
from plugins.special_visits.models import ACTIVE, ENDED, LEFT, RosterEntry
from plugins.special_visits.permissions import PLUGIN
from plugins.special_visits.roster.assign import Assigner

GONE = {"resident_info.resident_moved_out": "moved_out", "resident_info.resident_deceased": "deceased"}
LEFT_GROUP = "left_group"
TAG_EVENTS = {"resident_info.resident_tagged", "resident_info.resident_untagged"}


def sync_resident(db, resident_id, org_path, gone="", assigner=None, tag=None, cache=None, facts=None):
    """Bring one resident's entries in line with the groups at ``org_path`` (their grid now).
    ``tag``: only that tag was added or removed — a rule only asks for tags and the tag
    decides nothing else, so only the groups whose rule names it can change (one query
    instead of five for most tag events; bench/visits_roster_maintenance.py). ``cache``:
    the event handler's lookups kept for its delivery round (``round_cache.py``); ``facts``:
    its entries and rule checks read for the whole round (``round_facts.py``)."""
    assigner = assigner or (cache.assigner if cache else Assigner(db))
    entries = facts.entries_of(resident_id, org_path) if facts else _entries_by_group(db, resident_id, org_path)
    for group in cache.groups_at(org_path) if cache else groups_applying_at(db, org_path):
        if tag is not None and tag not in rule_tags(group.rule):
            entries.pop(group.id, None)
            continue
        found = [] if gone else _matching_one(db, group, resident_id, org_path, facts)
        entry = entries.pop(group.id, None)
        if found:
            entry = upsert_active(db, group, entry, found[0], assigner)
            if facts:
                facts.remember(entry)
        elif entry is not None:
            close(db, entry, gone or LEFT_GROUP)
    for entry in entries.values():  # groups that no longer apply there (moved street, switched off)
        close(db, entry, gone or LEFT_GROUP)


def _entries_by_group(db, resident_id, org_path):
    return {entry.group_id: entry for entry in entries_of(db, resident_id, org_path)}


def _matching_one(db, group, resident_id, org_path, facts):
    if facts:
        return facts.matching(group, resident_id, org_path)
    return matching(db, group.rule, [org_path], [resident_id])


def rule_tags(rule):
    return {*rule.get("tags_all", ()), *rule.get("tags_any", ())}


def matching(db, rule, paths, resident_ids=None, limit=5000):
    return call_service(
        "resident_info.find_by_tag_rule",
        rule=rule,
        scope_paths=paths,
        session=db,
        resident_ids=resident_ids,
        limit=limit,
    )


def entries_of(db, resident_id, org_path):
    county = DataScope((org_path.split("/", 1)[0],))
    statement = scope_of_model(select(RosterEntry), county, RosterEntry).where(RosterEntry.resident_id == resident_id)
    return db.exec(statement).all()


def upsert_active(db, group, entry, resident, assigner):
    """The resident is in the group: a new entry, or the existing one brought up to date."""
    address = "".join(part for part in (resident.get("building"), resident.get("unit"), resident.get("room")) if part)
    if entry is None:
        entry = RosterEntry(
            group_id=group.id,
            resident_id=resident["id"],
            org_path=resident["org_path"],
            joined_on=today(),
            due_date=today() + timedelta(days=interval_days(group)),
        )
        entry.resident_name, entry.address = resident["name"], address[:100]
        assigner.assign(entry, new=True)
        return entry
    moved = entry.org_path != resident["org_path"]
    entry.resident_name, entry.address, entry.org_path = resident["name"], address[:100], resident["org_path"]
    if entry.status != ACTIVE:
        entry.status, entry.status_reason, entry.status_changed_at = ACTIVE, "", utcnow()
        entry.due_date = next_due(entry, group)
    if moved or entry.assigned_to is None:
        assigner.assign(entry)
    return entry


def next_due(entry, group):
    """The last visit plus the group's interval; never visited: the interval from today."""
    days = timedelta(days=interval_days(group))
    return (clock.local(entry.last_visit_at).date() if entry.last_visit_at else today()) + days


def close(db, entry, reason):
    """Off the due lists; a death or move-out overrides a plain "left the group"."""
    if entry.status == ACTIVE or (entry.status == LEFT and reason in GONE.values()):
        if entry.id is None:  # written earlier in this round, not yet flushed: its id names it below
            db.flush()
        entry.status = ENDED if reason in GONE.values() else LEFT
        entry.status_reason, entry.status_changed_at = reason, utcnow()
        object_closed(db, PLUGIN, "overdue", entry.id)
        object_closed(db, PLUGIN, "unassigned", entry.id)
