"""Login throttling: too many recent attempts for one account or one address answer 429.

Every attempt is a row in the database (shared by every worker and machine), written and
committed before the password is checked; a successful login clears the account's rows.
So "attempts in the window" equals "failures since the last success" plus the current one.
"""

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func
from sqlmodel import select

from core.auth.models import LoginAttempt
from core.timeutil import utcnow


def _window_start():
    return utcnow() - timedelta(seconds=current_app.config["LOGIN_THROTTLE_WINDOW_SECONDS"])


def is_throttled(db, username, ip):
    since = _window_start()
    by_account = db.exec(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.username == _key(username), LoginAttempt.at >= since)
    ).one()
    if by_account > current_app.config["LOGIN_THROTTLE_MAX_FAILURES"]:
        return True
    by_address = db.exec(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.ip == ip, LoginAttempt.at >= since)
    ).one()
    return by_address > current_app.config["LOGIN_THROTTLE_MAX_IP_FAILURES"]


def record_attempt(db, username, ip):
    db.add(LoginAttempt(username=_key(username), ip=ip[:64]))


def clear_attempts(db, username):
    db.exec(delete(LoginAttempt).where(LoginAttempt.username == _key(username)))


def _key(username):
    # Usernames are unique regardless of case, so "Admin" and "admin" share one budget.
    return typed_name_key(username)


def typed_name_key(username):
    """A keyed hash of what was typed as a user name (lower-cased): the same text always
    gives the same key, so attempts can be counted and correlated, but a password typed
    into the name field is never kept in clear — neither here nor in the audit trail."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(secret, username.lower().encode(), hashlib.sha256).hexdigest()


def retry_after_seconds():
    return int(current_app.config["LOGIN_THROTTLE_WINDOW_SECONDS"])
