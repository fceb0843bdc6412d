"""Home (工作台), the token page and the shell's context (navigation, CSRF meta tag)."""

from datetime import datetime

from flask import Blueprint, current_app, render_template

from core.alerts.describe import describe_alerts
from core.alerts.service import alerts_reaching
from core.auth.actor import current_actor
from core.db import get_session
from core.inbox.notices import notices_for, unread_count
from core.orgs.service import place_names
from core.permissions.access import login_required, policy_engine
from core.permissions.service import package_titles
from core.state import state_of
from core.timeutil import as_aware, local_text, utcnow
from core.ui.nav import visible_entries
from core.ui.places import place_label, place_short
from core.ui.workbench import workbench_items

bp = Blueprint(
    "core_ui", __name__, template_folder="templates", static_folder="static/core", static_url_path="/static/core"
)


@bp.app_context_processor
def shell_context():
    return {
        "nav_entries": lambda: visible_entries(current_app, current_actor),
        "inbox_unread": lambda: unread_count(get_session(), current_actor),
    }


@bp.app_template_filter("local_time")
def local_time(value):
    """A time (datetime or ISO text) as ``2026-12-03 09:00``, Beijing time unless configured."""
    return local_text(datetime.fromisoformat(value) if isinstance(value, str) else value)


bp.add_app_template_filter(place_label, "place")
bp.add_app_template_filter(place_short, "place_short")


@bp.app_template_test("past")
def is_past(value):
    """``{% if notice.due_at is past %}``: a due time the clock has passed."""
    return value is not None and as_aware(value) < utcnow()


@bp.route("/")
@login_required
def home():
    db = get_session()
    grants = policy_engine().grants_of(current_actor.id)
    paths = sorted({path for _package, path in grants})
    return render_template(
        "core/home.html",
        grants=grants,
        places=place_names(db, paths),
        alerts=describe_alerts(db, alerts_reaching(db, paths)),
        todo=notices_for(db, current_actor, limit=5),
        work=workbench_items(db, current_actor),
        titles=state_of().host.titles(),
        package_titles=package_titles(db),
    )


@bp.route("/account/tokens")
@login_required
def tokens():
    return render_template("core/tokens.html")
