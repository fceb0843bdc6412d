"""The inbox (待办): /inbox for people, /api/v1/inbox for clients. Every signed-in user has
one; what it holds is decided by ``core.inbox.recipients`` (addressed to them, or to a
package they hold at the notice's node, where the plugin is on)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.api import api_route, not_found
from core.auth.actor import current_actor
from core.db import get_session
from core.inbox import notices as inbox
from core.inbox.models import SEVERITIES, STATUS_TITLES
from core.orgs.service import place_names
from core.permissions.access import login_required
from core.timeutil import as_aware, isoformat, utcnow
from core.web.auth_pages import safe_next

bp = Blueprint("core_inbox", __name__)
PAGE = 50
LIST_QUERY = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["open", "closed"], "description": "open：待办（默认）；closed：已办"},
        "offset": {"type": "integer", "minimum": 0},
    },
}


@bp.route("/inbox")
@login_required
def index():
    closed = request.args.get("status") == "closed"
    db = get_session()
    items = _described(db, inbox.notices_for(db, current_actor, closed=closed, limit=PAGE))
    return render_template("core/inbox/index.html", items=items, closed=closed, now=utcnow())


@bp.route("/inbox/<int:notice_id>/open")
@login_required
def open_notice(notice_id):
    """Opening a notice records that it was read, then goes to what it is about."""
    db = get_session()
    notice = inbox.notice_for(db, current_actor, notice_id)
    if notice is None:
        raise not_found()
    inbox.mark_read(db, current_actor, notice)
    db.commit()
    return redirect(safe_next(notice.link) if notice.link else url_for("core_inbox.index"))


@bp.route("/inbox/<int:notice_id>/done", methods=["POST"])
@login_required
def done(notice_id):
    db = get_session()
    notice = inbox.notice_for(db, current_actor, notice_id)
    if notice is None:
        raise not_found()
    settled = inbox.mark_done(db, current_actor, notice)
    db.commit()
    flash(_("已标为已办：%(title)s", title=notice.title) if settled else _("这条待办已经办结。"))
    return redirect(url_for("core_inbox.index"))


@api_route(bp, "/api/v1/inbox", summary="我的待办与提醒（未读数、列表）", tags=["inbox"], query=LIST_QUERY)
@login_required
def api_list():
    closed = request.args.get("status") == "closed"
    offset = _offset(request.args.get("offset"))
    db = get_session()
    rows = inbox.notices_for(db, current_actor, closed=closed, limit=PAGE, offset=offset)
    return {
        "items": _described(db, rows),
        "total": inbox.count_for(db, current_actor, closed=closed),
        "unread": inbox.unread_count(db, current_actor),
    }


@api_route(bp, "/api/v1/inbox/<int:notice_id>/read", methods=["POST"], summary="标为已读", tags=["inbox"])
@login_required
def api_read(notice_id):
    return _settle(notice_id, inbox.mark_read)


@api_route(bp, "/api/v1/inbox/<int:notice_id>/done", methods=["POST"], summary="标为已办", tags=["inbox"])
@login_required
def api_done(notice_id):
    return _settle(notice_id, inbox.mark_done)


def _settle(notice_id, action):
    db = get_session()
    notice = inbox.notice_for(db, current_actor, notice_id)
    if notice is None:
        raise not_found()
    action(db, current_actor, notice)
    db.commit()
    return {"item": _described(db, [(notice, utcnow())])[0]}


def _offset(raw):
    return int(raw) if raw and raw.isdigit() else 0


def _described(db, rows):
    places = place_names(db, [notice.org_path for notice, _read in rows])
    now = utcnow()
    return [_describe(notice, read_at, places, now) for notice, read_at in rows]


def _describe(notice, read_at, places, now):
    due = notice.due_at
    return {
        "id": notice.id,
        "title": notice.title,
        "link": notice.link,
        "severity": notice.severity,
        "severity_title": SEVERITIES.get(notice.severity, notice.severity),
        "status": notice.status,
        "status_title": STATUS_TITLES.get(notice.status, notice.status),
        "place": places.get(notice.org_path, ""),
        "org_path": notice.org_path,
        "created_at": isoformat(notice.created_at),
        "due_at": isoformat(due),
        "overdue": due is not None and notice.status == "open" and as_aware(due) < now,
        "read_at": isoformat(read_at),
        "closed_at": isoformat(notice.closed_at),
    }
