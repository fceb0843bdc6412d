"""Writing checked import rows in bulk: the residents (one executemany per chunk), their tag
index rows, their history and their events — what a registration through the form writes,
with two differences: an import is audited once, as a whole
(``resident_info.residents_imported``, with its counts), and the history entry names the
source (import number and file line, "导入来源 #12 第 37 行") instead of repeating every
value the record arrived with — the record shows those, and later edits keep old → new."""

from types import SimpleNamespace

from sqlalchemy import func, select, text, update

from core.public import bulk_insert, system_query, utcnow
from plugins.resident_info.models import ImportJob, Resident, ResidentChange, ResidentTag
from plugins.resident_info.register import events
from plugins.resident_info.register.services import RECORD_COLUMNS as RESIDENT_COLUMNS


def write_rows(db, access, job, rows):
    """Insert ``rows`` (``[(line, clean record)]``); returns how many were written.

    Core INSERTs on the tables (not ORM bulk inserts): the ORM's per-row bookkeeping cost
    more than the database's work for these plain rows."""
    if not rows:
        return 0
    now = utcnow()
    values = [
        {**{key: clean.get(key) for key in RESIDENT_COLUMNS}, "version": 1, "created_at": now, "updated_at": now}
        for _line, clean in rows
    ]
    ids = reserve_ids(db, job, len(values))
    for resident_id, record in zip(ids, values):
        record["id"] = resident_id
    bulk_insert(db, Resident.__table__, values)
    tag_rows = [
        {
            "resident_id": resident_id,
            "tag": entry["tag"],
            "level": entry.get("level"),
            "sensitive": bool(entry.get("sensitive")),
        }
        for resident_id, record in zip(ids, values)
        for entry in record["tags"]
    ]
    if tag_rows:
        bulk_insert(db, ResidentTag.__table__, tag_rows)
    bulk_insert(
        db,
        ResidentChange.__table__,
        [
            {
                "resident_id": resident_id,
                "at": now,
                "actor": access.username,
                "action": "imported",
                "changes": {"import_source": {"old": None, "new": f"#{job.id} 第 {line} 行"}},
            }
            for resident_id, (line, _clean) in zip(ids, rows)
        ],
    )
    for record in values:
        events.registered(db, access.username, SimpleNamespace(**record))
    return len(ids)


def reserve_ids(db, job, count):
    """``count`` new resident ids, known before the INSERT so it can be one executemany
    (SQLAlchemy answers RETURNING row by row on SQLite when the order must be kept).
    PostgreSQL: from the id sequence. SQLite: after the largest id, once this transaction
    holds the write lock (taken by touching the job row), so no other writer can interleave."""
    if db.get_bind().dialect.name == "postgresql":
        found = (
            db.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('resident_info_resident', 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"count": count},
            )
            .scalars()
            .all()
        )
        return sorted(found)
    db.execute(update(ImportJob.__table__).where(ImportJob.__table__.c.id == job.id).values(heartbeat_at=utcnow()))
    largest = db.execute(
        system_query(select(func.max(Resident.id)), "the largest id, to number new rows; no row is read")
    ).scalar()
    return list(range((largest or 0) + 1, (largest or 0) + 1 + count))
