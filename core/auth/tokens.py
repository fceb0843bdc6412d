"""API tokens: ``Authorization: Bearer gw_<id>.<secret>``. Only a SHA-256 of the secret is stored."""

import hashlib
import hmac
import secrets
from datetime import UTC, timedelta

from sqlalchemy import update
from sqlmodel import select

from core.auth.actor import Actor
from core.auth.models import ApiToken, User
from core.db import system_query
from core.timeutil import utcnow

PREFIX = "gw_"
_TOUCH_EVERY = timedelta(minutes=1)


def _digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(db, user, name, scopes=("*",)):
    """Store a new token for ``user``; returns (row, plaintext). The plaintext is shown once."""
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    row = ApiToken(id=token_id, user_id=user.id, name=name, secret_hash=_digest(secret), scopes=list(scopes))
    db.add(row)
    db.flush()
    return row, f"{PREFIX}{token_id}.{secret}"


def parse_bearer(header):
    if not header or not header.startswith("Bearer "):
        return None
    value = header[len("Bearer ") :].strip()
    if not value.startswith(PREFIX) or "." not in value:
        return None
    token_id, _, secret = value[len(PREFIX) :].partition(".")
    return token_id, secret


def actor_for_bearer(db, header):
    """The token's actor, or None when the token is unknown, revoked or its user disabled."""
    parsed = parse_bearer(header)
    if parsed is None:
        return None
    token_id, secret = parsed
    # Plain columns, not ORM objects: this runs on every API request.
    row = db.execute(system_query(_TOKEN_LOOKUP.where(ApiToken.id == token_id), "resolve a bearer token")).first()
    if row is None:
        return None
    if not hmac.compare_digest(row.secret_hash, _digest(secret)) or row.revoked_at or not row.is_active:
        return None
    _touch(db, token_id, row.last_used_at)
    return Actor(
        id=row.user_id,
        username=row.username,
        display_name=row.display_name or row.username,
        org_path=row.org_path,
        token_id=token_id,
        token_scopes=tuple(row.scopes),
    )


_TOKEN_LOOKUP = select(
    ApiToken.secret_hash,
    ApiToken.revoked_at,
    ApiToken.last_used_at,
    ApiToken.scopes,
    User.id.label("user_id"),
    User.username,
    User.display_name,
    User.org_path,
    User.is_active,
).join(User, User.id == ApiToken.user_id)


def _touch(db, token_id, last_used_at):
    """Record use at most once a minute: a write on every request would cost more than the read."""

    now = utcnow()
    if last_used_at is not None and last_used_at.tzinfo is None:
        last_used_at = last_used_at.replace(tzinfo=UTC)
    if last_used_at is None or last_used_at + _TOUCH_EVERY < now:
        db.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        db.commit()
