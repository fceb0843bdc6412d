"""Acting for an account outside a request — a scheduled job resuming the work a person
started (an import whose web process died) acts with that person's permissions as they are
now: a disabled account, or one gone, acts for nobody."""

from sqlmodel import select

from core.auth.actor import Actor
from core.auth.models import User
from core.db import system_query


def actor_named(session, username):
    """The active account ``username`` as an ``Actor`` (for ``scope_for``/``can``), or None."""
    statement = select(User).where(User.username == username, User.is_active.is_(True))
    user = session.exec(system_query(statement, "a job acts for the account that started the work")).first()
    return None if user is None else Actor.from_user(user)
