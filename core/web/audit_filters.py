"""The audit trail's filters (page and ``GET /api/v1/audit``): parsed from the query with a
Chinese reason naming the bad field, then applied in SQL inside the auditor's scope."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Optional

from flask_babel import gettext as _
from sqlalchemy import or_

from core.audit.models import AuditEntry
from core.db import SCOPED
from core.timeutil import clock

PAGE_SIZE = 50
LIMIT_MAX = 200
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class FilterProblem(ValueError):
    def __init__(self, detail, pointer):
        super().__init__(detail)
        self.detail = detail
        self.pointer = pointer


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""  # prefix: "core.login" finds core.login_failed and core.login_succeeded
    actor: str = ""  # a username or (part of) a display name, as typed
    object: str = ""  # (part of) an object's name, as typed
    target: str = ""  # one object exactly (the page's 只看此对象 link)
    sensitive: bool = False  # views and exports of personal data only
    date_from: Optional[date] = None
    date_to: Optional[date] = None  # inclusive
    limit: int = PAGE_SIZE
    offset: int = 0
    # What ``actor`` and ``object`` mean in codes (audit_view.actors_matching / targets_matching).
    actors: tuple = ()
    targets: tuple = ()
    sensitive_actions: tuple = ()

    def as_args(self, without=()):
        """The filter as query arguments, for links that keep it (paging, downloads)."""
        args = {"action": self.action, "actor": self.actor, "object": self.object, "target": self.target}
        args |= {"sensitive": "1" if self.sensitive else "", "date_from": self.date_from, "date_to": self.date_to}
        return {key: value for key, value in args.items() if value and key not in without}


def in_audit_scope(statement, scope, with_unplaced):
    visible = scope.clause(AuditEntry.org_path)
    if with_unplaced:
        visible = or_(visible, AuditEntry.org_path == "")
    return statement.where(visible).execution_options(**{SCOPED: True})


def filtered(statement, scope, with_unplaced, filters):
    statement = in_audit_scope(statement, scope, with_unplaced)
    if filters.action:
        statement = statement.where(AuditEntry.action.startswith(filters.action, autoescape=True))
    if filters.actor:
        statement = statement.where(AuditEntry.actor.in_(filters.actors or (filters.actor,)))
    if filters.object:
        statement = statement.where(AuditEntry.target.in_(filters.targets))
    if filters.target:
        statement = statement.where(AuditEntry.target == filters.target)
    if filters.sensitive:
        statement = statement.where(AuditEntry.action.in_(filters.sensitive_actions))
    if filters.date_from:
        statement = statement.where(AuditEntry.at >= start_of(filters.date_from))
    if filters.date_to:
        statement = statement.where(AuditEntry.at < start_of(filters.date_to + timedelta(days=1)))
    return statement


def start_of(day):
    return datetime.combine(day, time(), tzinfo=clock.zone)  # dates typed into the filter are local days


def filter_from_query(args, offset=None):
    date_from, date_to = _day(args, "date_from"), _day(args, "date_to")
    if date_from and date_to and date_from > date_to:
        raise FilterProblem(_("开始日期不能晚于结束日期。"), "/date_from")
    return AuditFilter(
        action=_text(args, "action"),
        actor=_text(args, "actor"),
        object=_text(args, "object"),
        target=_text(args, "target", 300),
        sensitive=args.get("sensitive") == "1",
        date_from=date_from,
        date_to=date_to,
        limit=_bounded(args, "limit", PAGE_SIZE, 1, LIMIT_MAX),
        offset=offset if offset is not None else _bounded(args, "offset", 0, 0, 10**9),
    )


def _text(args, name, longest=100):
    return (args.get(name) or "").strip()[:longest]


def _day(args, name):
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        if not _DAY.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise FilterProblem(_("日期格式应为 YYYY-MM-DD，例如 2024-05-01。"), f"/{name}") from None


def _bounded(args, name, default, low, high):
    raw = args.get(name) or ""
    if not raw:
        return default
    # Length first: int() refuses (ValueError, a 500) strings of more than 4300 digits.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or not low <= int(raw) <= high:
        raise FilterProblem(
            _("%(name)s 必须是 %(low)s 到 %(high)s 之间的整数。", name=name, low=low, high=high), f"/{name}"
        )
    return int(raw)
