"""Who visits a roster entry: the grid worker holding the grid feedback package at the
resident's grid, unless a community admin chose someone for that resident (an override that
lasts while that person may still record visits there). A grid whose entries nobody can take
is told to the community admin once — one notice per grid, not one per resident, so a
community that has not yet granted its grid workers gets a short to-do, not hundreds — and
that notice is settled when the grid's last entry finds someone."""

from sqlalchemy import func
from sqlmodel import select

from core.public import DataScope, actor_named, can, notify, object_closed, package_holders, place_names, scope_of_model
from plugins.special_visits.models import ACTIVE, RosterEntry
from plugins.special_visits.permissions import COMMUNITY_ADMIN_PACKAGE, GRID_WORKER_PACKAGE, PLUGIN, VISIT_RECORD

UNASSIGNED_GRID = "unassigned_grid"  # notices about a grid (object id: its org path)


class Assigner:
    """Grid worker per grid path, looked up once per run; and the grids this run already
    left an entry with nobody in (their notice is raised: no count query per entry).

    ``defer=True`` (the event handler's round): new entries are only added to the session,
    to be flushed together, and the "nobody" notices wait for ``settle()`` at the round's
    end — one count query for all its grids instead of a flush and a count per entry."""

    def __init__(self, db, defer=False):
        self.db, self._by_grid, self._told = db, {}, set()
        self.defer, self._waiting = defer, {}  # grid -> {id(entry): entry} left with nobody this round

    def worker_at(self, org_path):
        if org_path not in self._by_grid:
            holders = package_holders(self.db, GRID_WORKER_PACKAGE, org_path)
            self._by_grid[org_path] = holders[0].username if holders else None
        return self._by_grid[org_path]

    def assign(self, entry, new=False):
        """Sets ``entry.assigned_to``; tells the community admin of an entry left with nobody
        (new, or just lost its worker) and settles that notice once someone is found."""
        before = None if new else entry.assigned_to
        if entry.assigned_override and not _may_visit(self.db, entry.assigned_to, entry.org_path):
            entry.assigned_override = False
        if not entry.assigned_override:
            entry.assigned_to = self.worker_at(entry.org_path)
        if entry.id is None:
            self.db.add(entry)
            if not self.defer:
                self.db.flush()
        if entry.assigned_to is None and (new or before is not None):
            if entry.org_path not in self._told:
                self._left_with_nobody(entry)
        elif (
            not new and entry.assigned_to is not None and before is None and not _unassigned_in(self.db, entry.org_path)
        ):
            self._told.discard(entry.org_path)
            object_closed(self.db, PLUGIN, UNASSIGNED_GRID, entry.org_path)

    def _left_with_nobody(self, entry):
        if self.defer:
            self._waiting.setdefault(entry.org_path, {})[id(entry)] = entry
        else:
            tell_unassigned(self.db, entry)
            self._told.add(entry.org_path)

    def settle(self):
        """The round's end: a grid whose entries left with nobody are the only ones waiting
        there is told once (as ``tell_unassigned`` would have told it for the first)."""
        waiting, self._waiting = self._waiting, {}
        waiting = {grid: _still_waiting(entries.values()) for grid, entries in waiting.items()}
        waiting = {grid: entries for grid, entries in waiting.items() if entries}
        if not waiting:
            return
        self.db.flush()
        counts = unassigned_counts(self.db, list(waiting))
        for grid, entries in waiting.items():
            if counts.get(grid, 0) == len(entries):  # nobody was waiting there before this round
                notify_unassigned(self.db, entries[0])
            self._told.add(grid)


def _still_waiting(entries):
    return [entry for entry in entries if entry.status == ACTIVE and entry.assigned_to is None]


def _may_visit(db, username, org_path):
    actor = actor_named(db, username) if username else None
    return actor is not None and can(actor, VISIT_RECORD, org_path)


def community_of(org_path):
    return "/".join(org_path.split("/")[:3])


def _unassigned_in(db, grid):
    statement = select(func.count()).select_from(RosterEntry)
    statement = scope_of_model(statement, DataScope((grid,)), RosterEntry)
    return db.exec(
        statement.where(RosterEntry.org_path == grid, RosterEntry.status == ACTIVE, RosterEntry.assigned_to.is_(None))
    ).one()


def unassigned_counts(db, grids):
    """{grid: active entries there with nobody assigned}, one grouped query."""
    statement = select(RosterEntry.org_path, func.count()).group_by(RosterEntry.org_path)
    statement = scope_of_model(statement, DataScope(tuple(grids)), RosterEntry).where(
        RosterEntry.org_path.in_(grids), RosterEntry.status == ACTIVE, RosterEntry.assigned_to.is_(None)
    )
    return dict(db.exec(statement).all())


def tell_unassigned(db, entry):
    """Only the grid's first entry left with nobody raises the notice; the rest join it."""
    if _unassigned_in(db, entry.org_path) > 1:
        return
    notify_unassigned(db, entry)


def notify_unassigned(db, entry):
    grid_name = place_names(db, [entry.org_path]).get(entry.org_path, "")
    notify(
        db,
        plugin=PLUGIN,
        title=f"{grid_name}的走访对象没有网格员负责：请给该网格授权网格员，或逐人指定走访人",
        org_path=community_of(entry.org_path),
        to_package=COMMUNITY_ADMIN_PACKAGE,
        link=f"/{PLUGIN}/entries/{entry.id}",
        severity="warning",
        object_type=UNASSIGNED_GRID,
        object_id=entry.org_path,
    )


def reassign_all(db, scope):
    """After grants change: every active entry without an override goes to its grid's worker
    now (one UPDATE per grid); returns how many entries changed hands."""
    assigner, changed = Assigner(db), 0
    grids = db.exec(
        scope_of_model(select(RosterEntry.org_path).where(RosterEntry.status == ACTIVE).distinct(), scope, RosterEntry)
    ).all()
    for grid in grids:
        worker = assigner.worker_at(grid)
        stale = [
            entry
            for entry in db.exec(
                scope_of_model(select(RosterEntry), scope, RosterEntry).where(
                    RosterEntry.org_path == grid,
                    RosterEntry.status == ACTIVE,
                    RosterEntry.assigned_override.is_(False),
                    _differs(worker),
                )
            ).all()
        ]
        for entry in stale:
            assigner.assign(entry)
        changed += len(stale)
    changed += _drop_stale_overrides(db, scope, assigner)
    return changed


def _differs(worker):
    if worker is None:
        return RosterEntry.assigned_to.is_not(None)
    return (RosterEntry.assigned_to.is_(None)) | (RosterEntry.assigned_to != worker)


def _drop_stale_overrides(db, scope, assigner):
    overridden = db.exec(
        scope_of_model(select(RosterEntry), scope, RosterEntry).where(
            RosterEntry.status == ACTIVE, RosterEntry.assigned_override.is_(True)
        )
    ).all()
    dropped = [entry for entry in overridden if not _may_visit(db, entry.assigned_to, entry.org_path)]
    for entry in dropped:
        assigner.assign(entry)
    return len(dropped)


def override(db, entry, username):
    """A community admin's choice of visitor; "" returns the entry to its grid's worker."""
    entry.assigned_override = bool(username)
    entry.assigned_to = username or entry.assigned_to
    Assigner(db).assign(entry)
