"""Checking credentials: shared by the login page and ``POST /api/v1/auth/token``."""

from flask import request
from sqlmodel import select

from core.audit.chain import record_audit
from core.auth import throttle
from core.auth.models import User
from core.auth.passwords import verify_password
from core.db import system_query


class LoginRefused(Exception):
    """Wrong name or password (one message for both: no user enumeration)."""

    message = "用户名或密码不正确。"


class LoginThrottled(Exception):
    message = "登录失败次数过多，请稍后再试。"


def authenticate(db, username, password):
    """Return the active user for these credentials, auditing the outcome; raise otherwise.

    The attempt is counted *before* the password is checked and committed at once, so
    parallel guesses cannot all slip under the limit. Commits the attempt and audit
    entries itself: they must survive the refusal.
    """
    ip = request.remote_addr or ""
    username = (username or "").strip()[:64]
    user = db.exec(system_query(select(User).where(User.username == username), "look up the login name")).first()
    # Entries about a known account sit at its home node, so its own auditors see them.
    org_path = user.org_path if user else ""
    throttle.record_attempt(db, username, ip)
    db.commit()
    if throttle.is_throttled(db, username, ip):
        record_audit(
            db,
            "core.login_throttled",
            actor=_audited_name(user, username),
            org_path=org_path,
            ip=ip,
            detail={"path": request.path},
        )
        db.commit()
        raise LoginThrottled()
    password_ok = verify_password(user.password_hash if user else None, password or "")
    if user is None or not password_ok or not user.is_active:
        reason = "unknown_user" if user is None else ("disabled" if password_ok else "bad_password")
        record_audit(
            db,
            "core.login_failed",
            actor=_audited_name(user, username),
            org_path=org_path,
            ip=ip,
            detail={"reason": reason},
        )
        db.commit()
        raise LoginRefused()
    throttle.clear_attempts(db, username)
    record_audit(
        db,
        "core.login_succeeded",
        actor=user.username,
        org_path=user.org_path,
        ip=ip,
        detail={"via": "token" if request.path.startswith("/api/") else "page"},
    )
    return user


def _audited_name(user, typed):
    """A known account by its name; anything else by a short keyed hash of what was typed
    (someone may have typed their password into the name field)."""
    return user.username if user else f"未知账号#{throttle.typed_name_key(typed)[:12]}"
