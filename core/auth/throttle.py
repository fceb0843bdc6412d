"""Login throttling: too many recent failures for one account or one address answer 429.

Failures are rows in the database, so every worker (and machine) shares the count.
"""
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
    by_account = db.exec(select(func.count()).select_from(LoginAttempt)
                         .where(LoginAttempt.username == username, LoginAttempt.at >= since)).one()
    if by_account >= current_app.config["LOGIN_THROTTLE_MAX_FAILURES"]:
        return True
    by_address = db.exec(select(func.count()).select_from(LoginAttempt)
                         .where(LoginAttempt.ip == ip, LoginAttempt.at >= since)).one()
    return by_address >= current_app.config["LOGIN_THROTTLE_MAX_IP_FAILURES"]


def record_failure(db, username, ip):
    db.add(LoginAttempt(username=username[:64], ip=ip[:64]))


def clear_failures(db, username):
    db.exec(delete(LoginAttempt).where(LoginAttempt.username == username))


def retry_after_seconds():
    return int(current_app.config["LOGIN_THROTTLE_WINDOW_SECONDS"])
