"""Browser sessions: a server-side record per login, so they can be ended from the server."""

import secrets
from datetime import UTC, timedelta

from flask import current_app, request
from flask import session as cookie_session
from flask_login import login_user, logout_user
from sqlalchemy import update
from sqlmodel import select

from core.auth.actor import Actor
from core.auth.models import ApiToken, User, UserSession
from core.db import get_session, system_query
from core.timeutil import utcnow

_TOUCH_EVERY = timedelta(minutes=1)


def load_actor_for_session(session_id):
    """Flask-Login's user loader: the live session's actor, or None when it was ended."""
    db = get_session()
    row = db.exec(
        system_query(
            select(UserSession, User).join(User, User.id == UserSession.user_id).where(UserSession.id == session_id),
            "load the session's own user",
        )
    ).first()
    if row is None:
        return None
    user_session, user = row
    now = utcnow()
    idle = timedelta(seconds=current_app.config["SESSION_IDLE_SECONDS"])
    if user_session.revoked_at is not None or not user.is_active or _aware(user_session.last_seen_at) + idle < now:
        return None
    if _aware(user_session.last_seen_at) + _TOUCH_EVERY < now:
        user_session.last_seen_at = now
        db.add(user_session)
        db.commit()
    return Actor.from_user(user, session_id=user_session.id)


def start_session(db, user):
    """Log ``user`` in with a brand-new session: the old cookie's contents are dropped
    (session fixation), and a new server-side record is created."""
    cookie_session.clear()
    record = UserSession(id=secrets.token_urlsafe(32), user_id=user.id, ip=request.remote_addr or "")
    db.add(record)
    db.flush()
    login_user(Actor.from_user(user, session_id=record.id))
    return record


def end_current_session(db, actor):
    if actor.session_id:
        db.exec(update(UserSession).where(UserSession.id == actor.session_id).values(revoked_at=utcnow()))
    logout_user()
    cookie_session.clear()


def end_credentials(db, user_id, keep_session_id=None):
    """The one way an account's credentials end: every live browser session (except
    ``keep_session_id``, the caller's own after changing their password) and every API
    token. A password change, an administrator's reset and disabling the account all come
    here, because whoever knew the old password may have used it to open any of them.
    Returns ``(sessions ended, tokens revoked)`` for the audit entry."""
    now = utcnow()
    sessions = update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    if keep_session_id:
        sessions = sessions.where(UserSession.id != keep_session_id)
    ended = db.exec(sessions.values(revoked_at=now)).rowcount
    revoked = db.exec(
        update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
    ).rowcount
    return ended, revoked


def _aware(value):
    return value if value.tzinfo else value.replace(tzinfo=UTC)
