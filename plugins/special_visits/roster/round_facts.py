"""The resident-event handler's round, read set-based: it is a batch handler
(``EventHandler(..., batch=True)``), so the events of a claimed round arrive together and
the residents they name are read with one query for their roster entries and one
``resident_info.find_by_tag_rule`` call per group (all of the round's residents at once),
instead of one of each per event. The events are then applied in order, in Python, against
these facts; the new entries are flushed together (one batched INSERT) and the "nobody is
responsible" notices settled once at the end (``Assigner.settle``).

The resident register does not change during the round (the handler only writes rosters),
so a rule check read at its start holds for every event in it."""

from sqlmodel import select

from core.public import DataScope, scope_of_model
from plugins.special_visits.models import RosterEntry
from plugins.special_visits.roster.maintain import GONE, TAG_EVENTS, matching, rule_tags, sync_resident
from plugins.special_visits.roster.round_cache import round_cache

MAX_IDS = 1000  # resident_info answers at most 1000 ids per call


def on_resident_events(events, session):
    """Handler of every resident_* event, a round at a time: re-check the residents they name."""
    cache = round_cache(session)
    steps = [step for event in events for step in steps_of(event)]
    facts = RoundFacts(session, cache, steps)
    for resident_id, org_path, gone, tag in steps:
        sync_resident(session, resident_id, org_path, gone=gone, tag=tag, cache=cache, facts=facts)
    cache.assigner.settle()


def steps_of(event):
    """(resident id, grid, gone reason, tag) for each resident the event names."""
    payload = event.payload
    tag = payload["tag"] if event.type in TAG_EVENTS else None
    steps = [(payload["resident_id"], payload["org_path"], GONE.get(event.type, ""), tag)]
    if "merged_id" in payload:
        steps.append((payload["merged_id"], payload["org_path"], "", None))
    return steps


def within(path, top):
    return path == top or path.startswith(top + "/")


class RoundFacts:
    """The round's residents' roster entries and rule matches, read once."""

    def __init__(self, db, cache, steps):
        self._entries, self._matches = {}, {}
        if steps:
            self._read_entries(db, steps)
            self._read_matches(db, cache, steps)

    def _read_entries(self, db, steps):
        counties = DataScope(tuple(sorted({path.split("/", 1)[0] for _rid, path, _gone, _tag in steps})))
        ids = sorted({resident_id for resident_id, _path, _gone, _tag in steps})
        statement = scope_of_model(select(RosterEntry), counties, RosterEntry)
        for start in range(0, len(ids), MAX_IDS):
            for entry in db.exec(statement.where(RosterEntry.resident_id.in_(ids[start : start + MAX_IDS]))).all():
                self.remember(entry)

    def _read_matches(self, db, cache, steps):
        """One rule check per group, for every resident of the round some step asks it about."""
        asked = {}  # group id -> (group, resident ids, grids)
        for resident_id, org_path, gone, tag in steps:
            for group in [] if gone else cache.groups_at(org_path):
                if tag is None or tag in rule_tags(group.rule):
                    _group, ids, paths = asked.setdefault(group.id, (group, set(), set()))
                    ids.add(resident_id)
                    paths.add(org_path)
        for group, ids, paths in asked.values():
            found, ids = self._matches.setdefault(group.id, {}), sorted(ids)
            for start in range(0, len(ids), MAX_IDS):
                chunk = ids[start : start + MAX_IDS]
                for resident in matching(db, group.rule, sorted(paths), chunk, limit=len(chunk)):
                    found[resident["id"]] = resident

    def entries_of(self, resident_id, org_path):
        """{group id: entry} of the resident inside ``org_path``'s county (as ``entries_of``)."""
        county = org_path.split("/", 1)[0]
        entries = self._entries.get(resident_id, {})
        return {group_id: entry for group_id, entry in entries.items() if within(entry.org_path, county)}

    def matching(self, group, resident_id, org_path):
        """As ``matching(db, group.rule, [org_path], [resident_id])``, from the round's read."""
        resident = self._matches.get(group.id, {}).get(resident_id)
        return [resident] if resident is not None and within(resident["org_path"], org_path) else []

    def remember(self, entry):
        self._entries.setdefault(entry.resident_id, {})[entry.group_id] = entry
