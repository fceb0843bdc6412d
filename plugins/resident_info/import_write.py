"""Writing checked import rows in bulk: the residents (one multi-row INSERT … RETURNING per
chunk), their tag index rows, their history ("导入") and their events — everything a
registration through the form writes, except the per-resident audit entry: an import is
audited once, as a whole (``resident_info.residents_imported``, with its counts)."""
from types import SimpleNamespace

from sqlalchemy import insert

from core.public import utcnow

from plugins.resident_info import events
from plugins.resident_info.models import Resident, ResidentChange, ResidentTag
from plugins.resident_info.present import first_values
from plugins.resident_info.services import RECORD_COLUMNS as RESIDENT_COLUMNS

DATE_FIELDS = ("birth_date", "status_date")


def write_rows(db, access, job, rows):
    """Insert ``rows`` (``[(line, clean record)]``); returns how many were written."""
    if not rows:
        return 0
    now = utcnow()
    values = [{**{key: clean.get(key) for key in RESIDENT_COLUMNS}, "version": 1, "created_at": now,
               "updated_at": now} for _line, clean in rows]
    statement = insert(Resident).returning(Resident.id, sort_by_parameter_order=True)
    ids = db.execute(statement, values).scalars().all()
    tag_rows = [{"resident_id": resident_id, "tag": entry["tag"], "level": entry.get("level"),
                 "sensitive": bool(entry.get("sensitive"))}
                for resident_id, record in zip(ids, values) for entry in record["tags"]]
    if tag_rows:
        db.execute(insert(ResidentTag), tag_rows)
    db.execute(insert(ResidentChange), [
        {"resident_id": resident_id, "at": now, "actor": access.username, "action": "imported",
         "changes": first_values(_as_json(record))} for resident_id, record in zip(ids, values)])
    for resident_id, record in zip(ids, values):
        events.registered(db, access.username, SimpleNamespace(id=resident_id, **record))
    return len(ids)


def _as_json(record):
    """The record as the history keeps it (dates as ISO text; ``first_values`` masks)."""
    values = dict(record)
    for field in DATE_FIELDS:
        values[field] = values[field].isoformat() if values.get(field) else None
    return values
