"""The audit trail page (审计日志) and ``GET /api/v1/audit``: entries inside the actor's audit scope."""

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import Optional

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from sqlalchemy import func, or_
from sqlmodel import select

from core.api import ApiError, api_route
from core.audit.chain import verify
from core.audit.models import AuditEntry, AuditHead
from core.auth.actor import current_actor
from core.db import SCOPED, get_session
from core.permissions.access import require, scope_for
from core.state import state_of
from core.timeutil import clock, isoformat, utcnow
from core.tree.scope import whole_tree_scope

bp = Blueprint("core_audit", __name__)

AUDIT_READ = "core.audit_read"
PAGE_SIZE = 50
LIMIT_MAX = 200
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Verifying reads the whole trail (~1.7 s at 50,000 entries): on demand only, and a result
# is reused while the chain head has not moved, for at most this long.
VERIFY_REUSE_SECONDS = 300


class FilterProblem(ValueError):
    def __init__(self, detail, pointer):
        super().__init__(detail)
        self.detail = detail
        self.pointer = pointer


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""  # prefix: "core.login" finds core.login_failed and core.login_succeeded
    actor: str = ""
    date_from: Optional[date] = None
    date_to: Optional[date] = None  # inclusive
    limit: int = PAGE_SIZE
    offset: int = 0


def covers_every_root(db, scope):
    """Does ``scope`` reach every county? Entries with no org path (failed logins under
    unknown names) belong to no county, so only such an auditor sees them — and only they
    may see the whole chain verified."""
    roots = whole_tree_scope(db).paths
    return bool(roots) and all(scope.covers(root) for root in roots)


def in_audit_scope(statement, scope, with_unplaced):
    visible = scope.clause(AuditEntry.org_path)
    if with_unplaced:
        visible = or_(visible, AuditEntry.org_path == "")
    return statement.where(visible).execution_options(**{SCOPED: True})


def find_entries(db, scope, filters):
    """(entries newest first, total) inside ``scope`` matching ``filters``."""
    with_unplaced = covers_every_root(db, scope)
    rows = db.exec(
        _filtered(select(AuditEntry), scope, with_unplaced, filters)
        .order_by(AuditEntry.seq.desc())
        .limit(filters.limit)
        .offset(filters.offset)
    ).all()
    total = db.exec(_filtered(select(func.count(AuditEntry.seq)), scope, with_unplaced, filters)).one()
    return rows, total


def chain_verification(db):
    """(VerifyResult, when it was computed): reused while the head (seq, hash) is unchanged
    and the result is recent, so repeated clicks cost one pass over the trail."""
    head = tuple(db.exec(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first() or ())
    last = state_of().audit_verification
    if last and last["head"] == head and monotonic() - last["clock"] < VERIFY_REUSE_SECONDS:
        return last["result"], last["at"]
    result, at = verify(db), utcnow()
    state_of().audit_verification = {"head": head, "clock": monotonic(), "result": result, "at": at}
    return result, at


def _filtered(statement, scope, with_unplaced, filters):
    statement = in_audit_scope(statement, scope, with_unplaced)
    if filters.action:
        statement = statement.where(AuditEntry.action.startswith(filters.action, autoescape=True))
    if filters.actor:
        statement = statement.where(AuditEntry.actor == filters.actor)
    if filters.date_from:
        statement = statement.where(AuditEntry.at >= _start_of(filters.date_from))
    if filters.date_to:
        statement = statement.where(AuditEntry.at < _start_of(filters.date_to + timedelta(days=1)))
    return statement


def _start_of(day):
    return datetime.combine(day, time(), tzinfo=clock.zone)  # dates typed into the filter are local days


def filter_from_query(args, offset=None):
    date_from, date_to = _day(args, "date_from"), _day(args, "date_to")
    if date_from and date_to and date_from > date_to:
        raise FilterProblem(_("开始日期不能晚于结束日期。"), "/date_from")
    return AuditFilter(
        action=(args.get("action") or "").strip()[:100],
        actor=(args.get("actor") or "").strip()[:100],
        date_from=date_from,
        date_to=date_to,
        limit=_bounded(args, "limit", PAGE_SIZE, 1, LIMIT_MAX),
        offset=offset if offset is not None else _bounded(args, "offset", 0, 0, 10**9),
    )


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


def entry_json(entry):
    return {
        "seq": entry.seq,
        "at": isoformat(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "org_path": entry.org_path,
        "detail": entry.detail,
        "ip": entry.ip,
    }


AUDIT_QUERY = {
    "type": "object",
    "properties": {
        "action": {"type": "string", "maxLength": 100, "description": "动作，如 core.login_failed"},
        "actor": {"type": "string", "maxLength": 100, "description": "操作人用户名"},
        "date_from": {"type": "string", "format": "date", "description": "起始日期（北京时间，含）"},
        "date_to": {"type": "string", "format": "date", "description": "截止日期（北京时间，含）"},
        "limit": {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX, "description": "每页条数"},
        "offset": {"type": "integer", "minimum": 0, "description": "跳过的条数"},
    },
}


@api_route(bp, "/api/v1/audit", summary="审计日志（仅限审计范围内，新的在前）", tags=["audit"], query=AUDIT_QUERY)
@require(AUDIT_READ)
def api_list():
    try:
        filters = filter_from_query(request.args)
    except FilterProblem as problem:
        raise ApiError(422, problem.detail, pointer=problem.pointer) from None
    entries, total = find_entries(get_session(), scope_for(current_actor, AUDIT_READ), filters)
    return {
        "items": [entry_json(entry) for entry in entries],
        "total": total,
        "limit": filters.limit,
        "offset": filters.offset,
    }


@bp.route("/audit")
@require(AUDIT_READ)
def index():
    db = get_session()
    scope = scope_for(current_actor, AUDIT_READ)
    page = _page_number()
    try:
        filters, problem = filter_from_query(request.args, offset=(page - 1) * PAGE_SIZE), None
        filters = replace(filters, limit=PAGE_SIZE)
    except FilterProblem as error:
        filters, problem = AuditFilter(), error.detail
    entries, total = find_entries(db, scope, filters) if problem is None else ([], 0)
    # Verifying reads the whole chain, so only those who may see all of it may ask for it.
    may_verify = covers_every_root(db, scope)
    verification, verified_at = (None, None)
    if may_verify and request.args.get("verify") == "1":
        verification, verified_at = chain_verification(db)
    return render_template(
        "core/audit/index.html",
        entries=entries,
        total=total,
        filters=filters,
        error=problem,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        may_verify=may_verify,
        verification=verification,
        verified_at=verified_at,
        local_time=_local_time,
    ), 422 if problem else 200


def _local_time(value):
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return clock.local(value).strftime("%Y-%m-%d %H:%M:%S")


def _page_number():
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 and 0 < int(raw) < 10**6 else 1
