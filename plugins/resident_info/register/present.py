"""How a resident leaves the server: masked by default, health tags only for those who may
see them. Masking happens here, on the server (GB/T 35273 §7.2), never in the page — a
value that is not in the response cannot leak from it."""

from core.public import clock, isoformat
from plugins.resident_info.register.ids import mask_id, mask_phone

SENSITIVE_FIELDS = ("id_number", "phone")
MASKS = {"id_number": mask_id, "phone": mask_phone}
# The exact birth date is digits 7–14 of the ID: outside the full (audited) view only the age
# shows. README "Masking" counts what each visible field pins down.
HIDDEN_DATE = "****-**-**"
# The fields a record has as input (schemas/resident.json), in the order the history shows them.
RECORD_FIELDS = (
    "name",
    "id_number",
    "gender",
    "birth_date",
    "phone",
    "org_path",
    "building",
    "unit",
    "room",
    "household_id",
    "relation_to_head",
    "registration",
    "status",
    "status_date",
    "tags",
    "notes",
    "extra",
)


def age_on(birth_date, today=None):
    today = today or clock.today()
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def visible_tags(tags, health_visible, rules=None):
    """The tags a reader may see: sensitive (health, disability) ones only with read_health.
    ``rules`` (``{tag: sensitive}``, the county's now) override what an entry was stored with."""
    rules = rules or {}
    return [
        dict(entry) for entry in tags or [] if health_visible or not rules.get(entry["tag"], entry.get("sensitive"))
    ]


def snapshot(resident):
    """The record's input fields as JSON values (dates as ISO strings), full values included:
    for diffs and for applying a PATCH, never for a response."""
    values = {field: getattr(resident, field) for field in RECORD_FIELDS}
    for field in ("birth_date", "status_date"):
        values[field] = values[field].isoformat() if values[field] else None
    values["tags"] = [dict(entry) for entry in resident.tags or []]
    values["extra"] = dict(resident.extra or {})
    return values


def masked(field, value):
    return MASKS[field](value) if field in MASKS and value else value


def resident_json(resident, *, health_visible, reveal=False, today=None):
    """The resident as the API and pages show it. ``reveal`` (an explicit, audited request
    by a holder of READ_SENSITIVE) is the only way to get full values and the birth date."""
    values = snapshot(resident)
    if not reveal:
        for field in SENSITIVE_FIELDS:
            values[field] = masked(field, values[field])
        values["birth_date"] = None
    values["tags"] = visible_tags(values["tags"], health_visible)
    return {
        "id": resident.id,
        **values,
        "age": age_on(resident.birth_date, today),
        "masked": not reveal,
        "merged_into_id": resident.merged_into_id,
        "version": resident.version,
        "created_at": isoformat(resident.created_at),
        "updated_at": isoformat(resident.updated_at),
    }


def brief_json(resident, *, health_visible=False):
    """A short, always-masked summary: lists of duplicates, other plugins' services."""
    return {
        "id": resident.id,
        "name": resident.name,
        "gender": resident.gender,
        "age": age_on(resident.birth_date),
        "id_number": masked("id_number", resident.id_number),
        "phone": masked("phone", resident.phone),
        "org_path": resident.org_path,
        "building": resident.building,
        "unit": resident.unit,
        "room": resident.room,
        "status": resident.status,
        "merged_into_id": resident.merged_into_id,
        "version": resident.version,
        "tags": visible_tags(resident.tags, health_visible),
    }


def history_json(change, *, health_visible, reveal=False, tag_rules=None):
    """One history row for a reader: ID and phone were masked when stored (an ID masked the
    old way is masked again, shorter); a birth date shows only in the full view; sensitive tag
    changes vanish for readers without read_health — by ``tag_rules``, the county's rules now,
    as history is never rewritten (and a change left empty is not shown)."""
    changes = {}
    for field, values in (change.changes or {}).items():
        if field == "id_number":
            values = {key: mask_id(value) for key, value in values.items()}
        if field == "birth_date" and not reveal:
            values = {key: value and HIDDEN_DATE for key, value in values.items()}
        if field == "tags" and not health_visible:
            values = {key: visible_tags(tags, False, tag_rules) for key, tags in values.items()}
            if values.get("old") == values.get("new"):
                continue
        changes[field] = values
    if not changes and change.action == "updated":
        return None
    return {
        "id": change.id,
        "at": isoformat(change.at),
        "actor": change.actor,
        "action": change.action,
        "changes": changes,
    }


def first_values(new):
    """The history of a registration: the values it arrived with (empty ones left out)."""
    return {
        field: {"old": None, "new": masked(field, new[field])}
        for field in RECORD_FIELDS
        if new.get(field) not in (None, "", [], {})
    }


def diff(old, new):
    """``{field: {"old": …, "new": …}}`` for the fields that differ, ID and phone masked."""
    return {
        field: {"old": masked(field, old.get(field)), "new": masked(field, new.get(field))}
        for field in RECORD_FIELDS
        if old.get(field) != new.get(field)
    }
