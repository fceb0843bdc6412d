"""Home (工作台), the token page and the shell's context (navigation, CSRF meta tag)."""

from flask import Blueprint, current_app, render_template

from core.auth.actor import current_actor
from core.permissions.access import login_required, policy_engine
from core.ui.nav import visible_entries

bp = Blueprint(
    "core_ui", __name__, template_folder="templates", static_folder="static/core", static_url_path="/static/core"
)


@bp.app_context_processor
def shell_context():
    return {"nav_entries": lambda: visible_entries(current_app, current_actor)}


@bp.route("/")
@login_required
def home():
    grants = policy_engine().grants_of(current_actor.id)
    return render_template("core/home.html", grants=grants)


@bp.route("/account/tokens")
@login_required
def tokens():
    return render_template("core/tokens.html")
