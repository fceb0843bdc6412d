"""Finding residents: the filters of the list page and ``GET /residents``, always inside
the caller's data scope, answered with a page of rows and the total count."""
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Optional

from sqlalchemy import exists, func, or_
from sqlmodel import select

from core.public import ApiError, DataScope, scope_of_model, scoped

from plugins.resident_info.models import Resident, ResidentTag
from plugins.resident_info.validation import PATH_PATTERN, FIELDS

LIMIT_MAX = 200
SORTS = {
    "name": (Resident.name, Resident.id), "-name": (Resident.name.desc(), Resident.id.desc()),
    "age": (Resident.birth_date.desc(), Resident.id), "-age": (Resident.birth_date, Resident.id),
    "updated_at": (Resident.updated_at, Resident.id), "-updated_at": (Resident.updated_at.desc(), Resident.id.desc()),
    "id": (Resident.id,), "-id": (Resident.id.desc(),),
}
SORT_TITLES = {"name": "姓名", "-updated_at": "最近修改", "age": "年龄从小到大", "-age": "年龄从大到小", "id": "登记先后"}


@dataclass(frozen=True)
class ResidentFilter:
    name: str = ""  # part of the name
    id_last4: str = ""  # last four characters of the ID number
    building: str = ""
    unit: str = ""
    room: str = ""
    tag: str = ""
    org_path: str = ""  # a grid (or any node): its whole subtree
    status: str = ""
    registration: str = ""
    household_id: Optional[int] = None
    min_age: Optional[int] = None
    max_age: Optional[int] = None
    sort: str = "name"
    limit: int = 50
    offset: int = 0

    def as_args(self):
        """The non-default values, for links that keep the filter (paging)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != f.default}


def filter_from_args(args, **overrides):
    """A ``ResidentFilter`` from query-string (or block settings) values; 422 naming the
    parameter when one is bad."""
    text = {name: (args.get(name) or "").strip()[:50] for name in ("name", "building", "unit", "room", "tag")}
    last4 = (args.get("id_last4") or "").strip().upper()
    if last4 and not (len(last4) == 4 and last4.isascii() and last4[:3].isdigit() and (last4[3].isdigit() or last4[3] == "X")):
        raise ApiError(422, "身份证号后四位应为 4 个半角字符：3 位数字加 1 位数字或 X。", pointer="/id_last4")
    org_path = (args.get("org_path") or "").strip()
    if org_path and not PATH_PATTERN.fullmatch(org_path):
        raise ApiError(422, "网格（组织路径）格式不正确。", pointer="/org_path")
    found = ResidentFilter(
        **text, id_last4=last4, org_path=org_path,
        status=_choice(args, "status"), registration=_choice(args, "registration"),
        household_id=_int(args, "household_id", None, 1, 2**31 - 1),
        min_age=_int(args, "min_age", None, 0, 150), max_age=_int(args, "max_age", None, 0, 150),
        sort=_sort(args), limit=_int(args, "limit", 50, 1, LIMIT_MAX), offset=_int(args, "offset", 0, 0, 10**9))
    return replace(found, **overrides)


def _choice(args, name):
    raw = (args.get(name) or "").strip()
    allowed = [value for value in FIELDS[name]["enum"] if value]
    if raw and raw not in allowed:
        raise ApiError(422, f"{name} 只能是以下之一：{'、'.join(allowed)}。", pointer=f"/{name}")
    return raw


def _sort(args):
    raw = (args.get("sort") or "name").strip()
    if raw not in SORTS:
        raise ApiError(422, f"sort 只能是以下之一：{'、'.join(SORTS)}。", pointer="/sort")
    return raw


def _int(args, name, default, low, high):
    raw = args.get(name)
    if raw in (None, ""):
        return default
    raw = str(raw).strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or not low <= int(raw) <= high:
        raise ApiError(422, f"{name} 必须是 {low} 到 {high} 之间的整数。", pointer=f"/{name}")
    return int(raw)


def years_before(day, years):
    """The same calendar day ``years`` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def filtered(statement, scope, health, filters, today=None):
    """``statement`` (over Resident) limited to ``scope`` and the filters. A health tag only
    matches residents where the reader may see it (``health``), so the filter cannot be
    used to learn who has one."""
    today = today or date.today()
    statement = scope_of_model(statement, scope, Resident).where(Resident.merged_into_id.is_(None))
    if filters.org_path:
        statement = scoped(statement, DataScope((filters.org_path,)), Resident.org_path)
    if filters.name:
        statement = statement.where(Resident.name.contains(filters.name, autoescape=True))
    for field in ("id_last4", "building", "unit", "room", "status", "registration", "household_id"):
        if getattr(filters, field) not in ("", None):
            statement = statement.where(getattr(Resident, field) == getattr(filters, field))
    if filters.min_age is not None:
        statement = statement.where(Resident.birth_date <= years_before(today, filters.min_age))
    if filters.max_age is not None:
        statement = statement.where(Resident.birth_date > years_before(today, filters.max_age + 1))
    if filters.tag:
        visible = or_(ResidentTag.sensitive.is_(False), health.clause(Resident.org_path))
        statement = statement.where(exists().where(ResidentTag.resident_id == Resident.id,
                                                   ResidentTag.tag == filters.tag, visible))
    return statement


def list_residents(db, scope, health, filters, today=None):
    """``(residents on this page, total matching)``."""
    rows = db.exec(filtered(select(Resident), scope, health, filters, today)
                   .order_by(*SORTS[filters.sort]).limit(filters.limit).offset(filters.offset)).all()
    total = db.exec(filtered(select(func.count()).select_from(Resident), scope, health, filters, today)).one()
    return rows, total


def count_in(db, org_path, since=None):
    """Residents (not merged) in the subtree at ``org_path``; only those updated since
    ``since`` when given. The usage figures."""
    statement = scope_of_model(select(func.count()).select_from(Resident), DataScope((org_path,)), Resident)
    statement = statement.where(Resident.merged_into_id.is_(None))
    if since is not None:
        statement = statement.where(Resident.updated_at >= since)
    return db.exec(statement).one()
