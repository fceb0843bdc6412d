"""API tokens: ``Authorization: Bearer gw_<id>.<secret>``. Only a SHA-256 of the secret is stored."""
import hashlib
import hmac
import secrets
from datetime import timedelta

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
    value = header[len("Bearer "):].strip()
    if not value.startswith(PREFIX) or "." not in value:
        return None
    token_id, _, secret = value[len(PREFIX):].partition(".")
    return token_id, secret


def actor_for_bearer(db, header):
    """The token's actor, or None when the token is unknown, revoked or its user disabled."""
    parsed = parse_bearer(header)
    if parsed is None:
        return None
    token_id, secret = parsed
    row = db.exec(system_query(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                               .where(ApiToken.id == token_id), "resolve a bearer token")).first()
    if row is None:
        return None
    token, user = row
    if not hmac.compare_digest(token.secret_hash, _digest(secret)) or token.revoked_at or not user.is_active:
        return None
    _touch(db, token)
    return Actor.from_user(user, token_id=token.id, token_scopes=tuple(token.scopes))


def _touch(db, token):
    from datetime import timezone

    now = utcnow()
    last = token.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=timezone.utc)
    if last is None or last + _TOUCH_EVERY < now:
        token.last_used_at = now
        db.add(token)
        db.commit()
