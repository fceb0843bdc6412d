"""The nightly rebuild: every group's roster computed from scratch from the register —
which catches what no event announces (a birthday crossing a group's age bound) and repairs
anything an event missed. It reaches exactly the rows the event path reaches (the
differential test in tests/builtin_plugins/special_visits/test_visits_roster.py)."""

from sqlmodel import select

from core.public import Daily, ScheduledJob, scope_of_model
from plugins.special_visits.groups.services import ROSTER_LIMIT, ensure_default_groups, groups_applying_at
from plugins.special_visits.models import ACTIVE, LEFT, RosterEntry, TargetGroup
from plugins.special_visits.roster.assign import Assigner, reassign_all
from plugins.special_visits.roster.maintain import LEFT_GROUP, close, matching, upsert_active

GONE_STATUSES = ("deceased", "moved_out")
CHUNK = 1000  # resident_info answers at most 1000 ids per call


def nightly_rebuild(context):
    db = context.session
    for county in sorted({path.split("/", 1)[0] for path in context.scope.paths}):
        ensure_default_groups(db, county)
    rebuild(db, context.scope)
    reassign_all(db, context.scope)


def rebuild(db, scope):
    """Every group defined in or above ``scope``: its roster inside the scope, made right."""
    assigner = Assigner(db)
    for group in _groups_for(db, scope):
        paths = _paths_of(group, scope)
        if paths:
            _rebuild_group(db, group, paths, scope, assigner)
    _close_groups_switched_off(db, scope)


def _groups_for(db, scope):
    seen = {}
    for path in scope.paths:
        for group in groups_applying_at(db, path):
            seen[group.id] = group
    for group in db.exec(scope_of_model(select(TargetGroup), scope, TargetGroup).where(TargetGroup.active.is_(True))):
        seen[group.id] = group
    return [seen[key] for key in sorted(seen)]


def _paths_of(group, scope):
    if scope.covers(group.org_path):
        return [group.org_path]
    return [path for path in scope.paths if path.startswith(group.org_path + "/")]


def _rebuild_group(db, group, paths, scope, assigner):
    residents = {r["id"]: r for r in matching(db, group.rule, paths, limit=ROSTER_LIMIT)}
    statement = scope_of_model(select(RosterEntry), scope, RosterEntry).where(RosterEntry.group_id == group.id)
    entries = {entry.resident_id: entry for entry in db.exec(statement).all()}
    for resident_id, resident in residents.items():
        upsert_active(db, group, entries.get(resident_id), resident, assigner)
    missing = [entry for rid, entry in entries.items() if rid not in residents and entry.status in (ACTIVE, LEFT)]
    gone = _gone_reasons(db, paths, [entry.resident_id for entry in missing])
    for entry in missing:
        close(db, entry, gone.get(entry.resident_id, LEFT_GROUP))


def _gone_reasons(db, paths, resident_ids):
    """resident id → "deceased" / "moved_out" for those no longer living here."""
    reasons = {}
    for start in range(0, len(resident_ids), CHUNK):
        chunk = resident_ids[start : start + CHUNK]
        for status in GONE_STATUSES:
            for resident in matching(db, {"status": status}, paths, chunk, limit=CHUNK):
                reasons[resident["id"]] = status
    return reasons


def _close_groups_switched_off(db, scope):
    statement = (
        scope_of_model(select(RosterEntry), scope, RosterEntry)
        .join(TargetGroup, TargetGroup.id == RosterEntry.group_id)
        .where(RosterEntry.status == ACTIVE, TargetGroup.active.is_(False))
    )
    for entry in db.exec(statement).all():
        close(db, entry, LEFT_GROUP)


REBUILD_JOB = ScheduledJob(
    "special_visits.nightly_rebuild", "重建走访名单（年龄变化、遗漏的变更）", Daily("02:40"), nightly_rebuild
)
