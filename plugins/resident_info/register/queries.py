"""Finding residents: the filters of the list page and ``GET /residents``, always inside
the caller's data scope, answered with a page of rows and the total count.

A community's list must stay fast in a county of a million residents, so the org subtrees
(narrowed to the ``org_path`` filter) and the name prefix reach the database as ranges
(``core.public.subtree_range``/``prefix_range``) that the index on ``(org_path, name,
merged_into_id)`` serves — next to the scope clause (the core's ranges too, with the holes
where the plugin is off), which stays the one that decides."""

import unicodedata
from dataclasses import dataclass, fields, replace
from typing import Optional

from sqlalchemy import case, exists, extract, false, func, or_
from sqlmodel import select

from core.public import ApiError, DataScope, after_prefix, clock, prefix_range, scope_of_model, subtree_range
from plugins.resident_info.models import Resident, ResidentTag
from plugins.resident_info.register.validation import FIELDS, PATH_PATTERN

LIMIT_MAX = 200
NAME_PREFIX_MAX = 50  # a name has at most 50 characters (schemas/resident.json)
SORTS = {
    "name": (Resident.name, Resident.id),
    "-name": (Resident.name.desc(), Resident.id.desc()),
    "age": "age",  # by whole years, see order_by_sort
    "-age": "-age",
    "updated_at": (Resident.updated_at, Resident.id),
    "-updated_at": (Resident.updated_at.desc(), Resident.id.desc()),
    "id": (Resident.id,),
    "-id": (Resident.id.desc(),),
}
SORT_TITLES = {
    "name": "姓名",
    "-updated_at": "最近修改",
    "age": "年龄从小到大",
    "-age": "年龄从大到小",
    "id": "登记先后",
}


@dataclass(frozen=True)
class ResidentFilter:
    name: str = ""  # part of the name
    name_prefix: str = ""  # 姓名以…开头 (NFKC-folded, as names are stored)
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
    if last4 and not (
        len(last4) == 4 and last4.isascii() and last4[:3].isdigit() and (last4[3].isdigit() or last4[3] == "X")
    ):
        raise ApiError(422, "身份证号后四位应为 4 个半角字符：3 位数字加 1 位数字或 X。", pointer="/id_last4")
    org_path = (args.get("org_path") or "").strip()
    if org_path and not PATH_PATTERN.fullmatch(org_path):
        raise ApiError(422, "网格（组织路径）格式不正确。", pointer="/org_path")
    found = ResidentFilter(
        **text,
        name_prefix=_name_prefix(args),
        id_last4=last4,
        org_path=org_path,
        status=_choice(args, "status"),
        registration=_choice(args, "registration"),
        household_id=_int(args, "household_id", None, 1, 2**31 - 1),
        min_age=_int(args, "min_age", None, 0, 150),
        max_age=_int(args, "max_age", None, 0, 150),
        sort=_sort(args),
        limit=_int(args, "limit", 50, 1, LIMIT_MAX),
        offset=_int(args, "offset", 0, 0, 10**9),
    )
    return replace(found, **overrides)


def _name_prefix(args):
    raw = unicodedata.normalize("NFKC", str(args.get("name_prefix") or "")).strip()
    if len(raw) > NAME_PREFIX_MAX:
        raise ApiError(422, f"姓名开头最多 {NAME_PREFIX_MAX} 个字。", pointer="/name_prefix")
    # Control characters and lone surrogates are in no name, and PostgreSQL refuses NUL.
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in raw):
        raise ApiError(422, "姓名开头含有不能使用的控制字符。", pointer="/name_prefix")
    return raw


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


def filtered(statement, access, filters, today=None):
    """``statement`` (over Resident) limited to the reader's scope and the filters. A health
    tag only matches residents where the reader may see it (``access.health``), and the ID's
    last four only where the reader may see full IDs (``access.sensitive``): otherwise the
    filter would tell, by trying, what the mask hides."""
    today = today or clock.today()
    scope = access.read
    # The terms of the index on (org_path, name, merged_into_id) first: SQLite checks the
    # others in the order written (a cheap name range before the scope's old LIKEs was 5× faster).
    statement = statement.where(_subtrees_clause(scope, filters.org_path))
    if filters.name_prefix:
        statement = statement.where(prefix_range(Resident.name, filters.name_prefix, after_prefix(filters.name_prefix)))
    statement = scope_of_model(statement.where(unmerged()), scope, Resident)  # the exact scope: this one decides
    if filters.name:
        statement = statement.where(Resident.name.contains(filters.name, autoescape=True))
    if filters.id_last4:
        statement = statement.where(Resident.id_last4 == filters.id_last4, access.sensitive.clause(Resident.org_path))
    for field in ("building", "unit", "room", "status", "registration", "household_id"):
        if getattr(filters, field) not in ("", None):
            statement = statement.where(getattr(Resident, field) == getattr(filters, field))
    if filters.min_age is not None:
        statement = statement.where(Resident.birth_date <= years_before(today, filters.min_age))
    if filters.max_age is not None:
        statement = statement.where(Resident.birth_date > years_before(today, filters.max_age + 1))
    if filters.tag:
        visible = or_(ResidentTag.sensitive.is_(False), access.health.clause(Resident.org_path))
        statement = statement.where(
            exists().where(ResidentTag.resident_id == Resident.id, ResidentTag.tag == filters.tag, visible)
        )
    return statement


def order_by_sort(statement, sort, today=None):
    """``statement`` in the order ``sort`` names. "By age" orders by whole years on ``today``
    and then by name — what the page shows — never by the exact birth date: the order of
    residents of one age would tell their birthdays apart, which the mask hides."""
    if sort not in ("age", "-age"):
        return statement.order_by(*SORTS[sort])
    age = _age_in_years(today or clock.today())
    return statement.order_by(age if sort == "age" else age.desc(), Resident.name, Resident.id)


def _age_in_years(today):
    born_later_in_year = extract("month", Resident.birth_date) * 100 + extract("day", Resident.birth_date)
    not_yet = case((born_later_in_year > today.month * 100 + today.day, 1), else_=0)
    return today.year - extract("year", Resident.birth_date) - not_yet


def unmerged():
    """Records not merged into another. Not ``merged_into_id IS NULL``: without statistics
    SQLite takes that — true of nearly every row — for an equality served by the index on
    merged_into_id, and would read the whole county through it instead of the org range
    or the index of a real filter (ID last 4)."""
    return func.coalesce(Resident.merged_into_id, 0) == 0  # ids start at 1


def _subtrees_clause(scope, org_path):
    """The subtrees to read as index ranges: the scope's, narrowed to the ``org_path``
    filter — which this also applies (residents' paths are checked against PATH_PATTERN
    when stored, so the range holds exactly the subtree)."""
    paths = scope.paths
    if org_path:
        paths = [
            org_path if _covers(path, org_path) else path
            for path in paths
            if _covers(path, org_path) or _covers(org_path, path)
        ]
    if not paths:
        return false()
    return or_(*[subtree_range(Resident.org_path, path) for path in dict.fromkeys(paths)])


def _covers(root, path):
    return path == root or path.startswith(root + "/")


def list_residents(db, access, filters, today=None):
    """``(residents on this page, total matching)``."""
    matching = filtered(select(Resident), access, filters, today)  # built once: it costs ~0.5 ms
    rows = db.exec(order_by_sort(matching, filters.sort, today).limit(filters.limit).offset(filters.offset)).all()
    total = db.exec(matching.with_only_columns(func.count()).select_from(Resident)).one()
    return rows, total


def count_in(db, org_path, since=None):
    """Residents (not merged) in the subtree at ``org_path``; only those updated since
    ``since`` when given. The usage figures."""
    statement = select(func.count()).select_from(Resident).where(subtree_range(Resident.org_path, org_path), unmerged())
    statement = scope_of_model(statement, DataScope((org_path,)), Resident)
    if since is not None:
        statement = statement.where(Resident.updated_at >= since)
    return db.exec(statement).one()
