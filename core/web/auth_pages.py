"""Login, logout and password pages (Simplified Chinese first)."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.audit.chain import record_audit
from core.auth.actor import current_actor
from core.auth.login import LoginRefused, LoginThrottled, authenticate
from core.auth.models import User
from core.auth.passwords import hash_password, password_problem, verify_password
from core.auth.sessions import end_credentials, end_current_session, start_session
from core.db import get_session
from core.permissions.access import login_required
from core.timeutil import utcnow

bp = Blueprint("core_auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("core/login.html", next=request.args.get("next", ""))
    db = get_session()
    try:
        user = authenticate(db, request.form.get("username"), request.form.get("password"))
    except LoginThrottled as refusal:
        return render_template("core/login.html", error=_(refusal.message), next=request.form.get("next", "")), 429
    except LoginRefused as refusal:
        return render_template("core/login.html", error=_(refusal.message), next=request.form.get("next", "")), 401
    start_session(db, user)
    db.commit()
    return redirect(safe_next(request.form.get("next")))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    db = get_session()
    record_audit(
        db, "core.logout", actor=current_actor.username, org_path=current_actor.org_path, ip=request.remote_addr or ""
    )
    end_current_session(db, current_actor)
    db.commit()
    flash(_("您已退出登录。"))
    return redirect(url_for("core_auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    if request.method == "GET":
        return render_template("core/password.html")
    db = get_session()
    user = db.get(User, current_actor.id, execution_options={"gridwork_unscoped": "the actor's own account"})
    problem = _password_change_problem(user, request.form)
    if problem:
        record_audit(
            db,
            "core.password_change_failed",
            actor=user.username,
            target=f"user:{user.id}",
            org_path=user.org_path,
            ip=request.remote_addr or "",
            detail={"reason": problem},
        )
        db.commit()
        return render_template("core/password.html", error=problem), 422
    user.password_hash = hash_password(request.form["new_password"])
    user.password_changed_at = utcnow()
    db.add(user)
    end_credentials(db, user.id, keep_session_id=current_actor.session_id)
    record_audit(
        db,
        "core.password_changed",
        actor=user.username,
        target=f"user:{user.id}",
        org_path=user.org_path,
        ip=request.remote_addr or "",
    )
    db.commit()
    flash(_("密码已修改，其他设备上的登录和所有访问令牌已失效。"))
    return redirect(url_for("core_ui.home"))


def _password_change_problem(user, form):
    if not verify_password(user.password_hash, form.get("current_password", "")):
        return _("当前密码不正确。")
    if form.get("new_password") != form.get("confirm_password"):
        return _("两次输入的新密码不一致。")
    return password_problem(form.get("new_password"), user.username, current_app.config["PASSWORD_MIN_LENGTH"])


def safe_next(target):
    """Only same-site relative paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("core_ui.home")
