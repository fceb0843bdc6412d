"""The audit trail page (审计日志) and ``GET /api/v1/audit``: entries inside the actor's audit
scope. The page reads as sentences — who did what, to whom, where — with the stored entry
behind 详情; filters live in ``audit_filters``, names in ``audit_view``."""

from dataclasses import replace
from time import monotonic

from flask import Blueprint, abort, render_template, request, url_for
from sqlalchemy import func
from sqlmodel import select

from core.api import ApiError, api_route
from core.audit.chain import verify
from core.audit.models import AuditEntry, AuditHead
from core.auth.actor import current_actor
from core.db import get_session
from core.permissions.access import require, scope_for
from core.state import state_of
from core.timeutil import isoformat, local_text, utcnow
from core.tree.scope import whole_tree_scope
from core.ui.charts import chart_download
from core.web.audit_charts import action_chart, daily_chart
from core.web.audit_filters import LIMIT_MAX, PAGE_SIZE, AuditFilter, FilterProblem, filter_from_query, filtered
from core.web.audit_titles import action_titles
from core.web.audit_view import readable_entries, resolve_filter

bp = Blueprint("core_audit", __name__)

AUDIT_READ = "core.audit_read"
# Verifying reads the whole trail (~1.7 s at 50,000 entries): on demand only, and a result
# is reused while the chain head has not moved, for at most this long.
VERIFY_REUSE_SECONDS = 300
CHARTS = ("per-day", "per-action")


def covers_every_root(db, scope):
    """Does ``scope`` reach every county? Entries with no org path (failed logins under
    unknown names) belong to no county, so only such an auditor sees them — and only they
    may see the whole chain verified."""
    roots = whole_tree_scope(db).paths
    return bool(roots) and all(scope.covers(root) for root in roots)


def find_entries(db, scope, filters):
    """(entries newest first, total) inside ``scope`` matching ``filters``."""
    with_unplaced = covers_every_root(db, scope)
    rows = db.exec(
        filtered(select(AuditEntry), scope, with_unplaced, filters)
        .order_by(AuditEntry.seq.desc())
        .limit(filters.limit)
        .offset(filters.offset)
    ).all()
    total = db.exec(filtered(select(func.count(AuditEntry.seq)), scope, with_unplaced, filters)).one()
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
        "action": {"type": "string", "maxLength": 100, "description": "动作，如 core.login_failed（可填前缀）"},
        "actor": {"type": "string", "maxLength": 100, "description": "操作人：用户名，或姓名中的几个字"},
        "object": {
            "type": "string",
            "maxLength": 100,
            "description": "对象名称中的几个字（居民、账号、组织…）",
        },
        "target": {"type": "string", "maxLength": 300, "description": "对象，原样，如 user:7"},
        "sensitive": {"type": "string", "enum": ["1"], "description": "1：只看个人信息的完整查看和导出"},
        "date_from": {"type": "string", "format": "date", "description": "起始日期（北京时间，含）"},
        "date_to": {"type": "string", "format": "date", "description": "截止日期（北京时间，含）"},
        "limit": {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX, "description": "每页条数"},
        "offset": {"type": "integer", "minimum": 0, "description": "跳过的条数"},
    },
}


@api_route(bp, "/api/v1/audit", summary="审计日志（仅限审计范围内，新的在前）", tags=["audit"], query=AUDIT_QUERY)
@require(AUDIT_READ)
def api_list():
    db = get_session()
    try:
        filters = resolve_filter(db, filter_from_query(request.args), current_actor)
    except FilterProblem as problem:
        raise ApiError(422, problem.detail, pointer=problem.pointer) from None
    entries, total = find_entries(db, scope_for(current_actor, AUDIT_READ), filters)
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
        filters = resolve_filter(db, replace(filters, limit=PAGE_SIZE), current_actor)
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
        entries=readable_entries(db, entries, current_actor, entry_json),
        total=total,
        filters=filters,
        action_groups=action_titles().groups,
        charts=_charts(db, scope, filters) if problem is None else [],
        error=problem,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        may_verify=may_verify,
        verification=verification,
        verified_at=local_text(verified_at),
    ), 422 if problem else 200


@bp.route("/audit/charts/<name>.csv")
@require(AUDIT_READ)
def chart_csv(name):
    if name not in CHARTS:
        abort(404)
    db = get_session()
    try:
        filters = resolve_filter(db, filter_from_query(request.args), current_actor)
    except FilterProblem as problem:
        raise ApiError(422, problem.detail, pointer=problem.pointer) from None
    return chart_download(_chart(db, scope_for(current_actor, AUDIT_READ), filters, name), f"audit-{name}")


def _charts(db, scope, filters):
    return [_chart(db, scope, filters, name) for name in CHARTS]


def _chart(db, scope, filters, name):
    url = url_for("core_audit.chart_csv", name=name, **filters.as_args())
    with_unplaced = covers_every_root(db, scope)
    if name == "per-action":
        return action_chart(db, scope, with_unplaced, filters, action_titles(), download_url=url)
    return daily_chart(db, scope, with_unplaced, filters, download_url=url)


def _page_number():
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 and 0 < int(raw) < 10**6 else 1
