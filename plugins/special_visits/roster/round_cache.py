"""What the resident-event handler looks up once per delivery round, not once per event.

The event dispatcher delivers a round of events to a handler in one session (a savepoint
each), so facts that no resident event changes — the groups that apply at a grid, the grid
worker holding a grid — are kept in ``session.info`` for that session's life. Any rollback
(a failed delivery's savepoint included) drops the whole cache: what the Assigner noted about
notices it raised may have been rolled back with it."""

from sqlalchemy import event

from plugins.special_visits.groups.services import groups_applying_at
from plugins.special_visits.roster.assign import Assigner

KEY = "special_visits.round_cache"


class RoundCache:
    def __init__(self, db):
        self.assigner = Assigner(db, defer=True)  # settled at the round's end (round_facts.py)
        self._db, self._groups = db, {}

    def groups_at(self, org_path):
        if org_path not in self._groups:
            self._groups[org_path] = groups_applying_at(self._db, org_path)
        return self._groups[org_path]


def round_cache(db):
    cache = db.info.get(KEY)
    if cache is None:
        cache = db.info[KEY] = RoundCache(db)
        event.listen(db, "after_soft_rollback", _forget, once=True)
    return cache


def _forget(session, _previous_transaction):
    session.info.pop(KEY, None)
