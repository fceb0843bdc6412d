"""Exports of the register: a filtered list as CSV or .xlsx, masked unless asked otherwise by
a holder of read_sensitive, and every export in the audit trail.

The rows are the list's rows (``queries.filtered``: same filters, the reader's scope,
merged records left out), read in chunks so a large export never holds every record as an
object at once. The headers are the import template's wherever a column means the same
field, so an exported file can be imported again; values are written the way the importer
reads them (enum titles, ``独居老人、残疾2级``, ISO dates).

Plain values in (a session, an ``Access``, a ``ResidentFilter``); no Flask request.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import select

from core.public import CSV_TYPE, XLSX_TYPE, ApiError, clock, csv_bytes, node_choices, record_audit, scoped, xlsx_bytes
from plugins.resident_info.importing.columns import TEMPLATE_COLUMNS
from plugins.resident_info.models import Resident
from plugins.resident_info.permissions import PLUGIN
from plugins.resident_info.register.present import age_on, masked, visible_tags
from plugins.resident_info.register.queries import filtered, order_by_sort
from plugins.resident_info.register.validation import FIELDS

MAX_ROWS = 100_000  # one export; more must be split by grid, tag or status
CHUNK = 1000  # records read from the database at a time
FORMATS = ("csv", "xlsx")
_TEMPLATE = {name: header for header, name, _hint in TEMPLATE_COLUMNS}
_TEMPLATE["org_path"] = _TEMPLATE["grid"]  # the node's chain of names, which the importer reads back


def _title(name, value):
    """An enum value as the Chinese word people (and the importer) use for it."""
    return FIELDS[name].get("x-enum-titles", {}).get(value, value) if value else ""


def tags_text(tags):
    """``独居老人、残疾2级``: the one format the importer parses back."""
    return "、".join(entry["tag"] + (f"{entry['level']}级" if entry.get("level") else "") for entry in tags)


# (header, value of one row). ``row`` is a _Row: the record plus what this reader may see.
COLUMNS = (
    ("编号", lambda row: row.resident.id),
    (_TEMPLATE["name"], lambda row: row.resident.name),
    (_TEMPLATE["id_number"], lambda row: row.sensitive("id_number")),
    (_TEMPLATE["gender"], lambda row: _title("gender", row.resident.gender)),
    (_TEMPLATE["birth_date"], lambda row: row.resident.birth_date.isoformat() if row.full else ""),
    ("年龄", lambda row: age_on(row.resident.birth_date, row.today)),
    (_TEMPLATE["phone"], lambda row: row.sensitive("phone")),
    (_TEMPLATE["org_path"], lambda row: row.places.get(row.resident.org_path, row.resident.org_path)),
    (_TEMPLATE["building"], lambda row: row.resident.building),
    (_TEMPLATE["unit"], lambda row: row.resident.unit),
    (_TEMPLATE["room"], lambda row: row.resident.room),
    ("户编号", lambda row: row.resident.household_id),
    (FIELDS["relation_to_head"]["title"], lambda row: _title("relation_to_head", row.resident.relation_to_head)),
    (_TEMPLATE["registration"], lambda row: _title("registration", row.resident.registration)),
    (_TEMPLATE["status"], lambda row: _title("status", row.resident.status)),
    (_TEMPLATE["status_date"], lambda row: row.resident.status_date.isoformat() if row.resident.status_date else ""),
    (_TEMPLATE["tags"], lambda row: tags_text(visible_tags(row.resident.tags, row.health_visible))),
    (_TEMPLATE["notes"], lambda row: row.resident.notes),
)
HEADER = tuple(header for header, _value in COLUMNS)
# Excel would turn an 18-digit ID into 1.10105E+17 and drop a phone's leading 0.
TEXT_COLUMNS = (HEADER.index(_TEMPLATE["id_number"]), HEADER.index(_TEMPLATE["phone"]))


@dataclass
class _Row:
    resident: Resident
    full: bool  # ID, phone and birth date in full: asked for, and inside the reader's read_sensitive scope
    health_visible: bool
    today: date
    places: dict  # {path: 东湖街道 › 幸福社区 › 第1网格}: people read names, the importer too

    def sensitive(self, name):
        value = getattr(self.resident, name)
        return value if self.full else masked(name, value)


@dataclass
class Tally:
    rows: int = 0
    unmasked_rows: int = 0  # rows whose ID number or phone was written in full


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    mimetype: str
    extension: str
    rows: int
    unmasked_rows: int


@dataclass(frozen=True)
class Table:
    """The header and the rows of an export. ``rows`` is an iterator, read while the file
    is written; ``tally`` counts what it has given out so far."""

    header: tuple
    rows: object
    total: int
    tally: Tally


def table(db, access, filters, *, unmasked=False, within=None, today=None):
    """Header and rows of the residents ``filters`` finds in the reader's scope (and in
    ``within``, the scope of ``permissions.EXPORT``, when given). 422 above ``MAX_ROWS``,
    counted before any row is read."""
    today = today or clock.today()
    total = db.exec(_found(select(func.count()).select_from(Resident), access, filters, within, today)).one()
    if total > MAX_ROWS:
        raise ApiError(
            422,
            f"符合条件的居民有 {total} 人，超过单次导出上限 {MAX_ROWS} 人。"
            "请缩小筛选范围（如按网格、标签或状态筛选）后分批导出。",
        )
    statement = order_by_sort(_found(select(Resident), access, filters, within, today), filters.sort, today)
    tally = Tally()
    return Table(HEADER, _rows(db, statement, access, unmasked, today, tally), total, tally)


def _found(statement, access, filters, within, today):
    if within is not None:
        statement = scoped(statement, within, Resident.org_path)
    return filtered(statement, access, filters, today)


def _rows(db, statement, access, unmasked, today, tally):
    """One list of cell values per resident; ``yield_per`` keeps one chunk of records in
    memory (a server-side cursor on PostgreSQL)."""
    places = {choice.path: choice.label for choice in node_choices(db, access.read)}
    for resident in db.exec(statement.execution_options(yield_per=CHUNK)):
        row = _Row(
            resident,
            unmasked and access.sensitive.covers(resident.org_path),
            access.health.covers(resident.org_path),
            today,
            places,
        )
        tally.rows += 1
        tally.unmasked_rows += bool(row.full and (resident.id_number or resident.phone))
        yield [value(row) for _header, value in COLUMNS]


def export_residents(db, access, filters, *, fmt="csv", unmasked=False, within=None, today=None):
    """The file, with ONE audit entry in the caller's transaction (the caller commits):
    ``resident_info.sensitive_exported`` when full values were asked for, otherwise
    ``resident_info.residents_exported``. The entry carries counts, the format and the
    filter, never a value from the file."""
    found = table(db, access, filters, unmasked=unmasked, within=within, today=today)
    content, mimetype = _written(fmt, found)
    detail = {"format": fmt, "rows": found.tally.rows, "filter": filter_detail(filters)}
    if unmasked:
        detail["unmasked_rows"] = found.tally.unmasked_rows
    record_audit(
        db,
        f"{PLUGIN}.{'sensitive_exported' if unmasked else 'residents_exported'}",
        actor=access.username,
        target=f"{PLUGIN}_resident:export",
        org_path=filters.org_path or common_root(access.read),
        ip=access.ip,
        detail=detail,
    )
    return ExportFile(content, mimetype, fmt, found.tally.rows, found.tally.unmasked_rows)


def _written(fmt, found):
    """``(file bytes, content type)``; the core's writers pass every cell through ``safe_cell``."""
    if fmt == "xlsx":
        return xlsx_bytes(found.header, found.rows, title="居民名单", text_columns=TEXT_COLUMNS), XLSX_TYPE
    return csv_bytes(found.header, found.rows), CSV_TYPE


def filter_detail(filters):
    """The filter as query arguments for the audit trail; a searched name keeps only its
    first character (the trail is append-only and must not hold personal data)."""
    args = {key: value for key, value in filters.as_args().items() if key not in ("limit", "offset")}
    for key in ("name", "name_prefix"):
        if args.get(key):
            args[key] = args[key][0] + "*" * (len(args[key]) - 1)
    return args


def common_root(scope):
    """The deepest org node above every subtree of ``scope`` ("" across counties): where
    an export of the whole scope is filed in the audit trail."""
    found = []
    for segments in zip(*(path.split("/") for path in scope.paths)):
        if len(set(segments)) != 1:
            break
        found.append(segments[0])
    return "/".join(found)
