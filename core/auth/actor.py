"""The signed-in actor of a request: a user reached through a browser session or an API token."""

from dataclasses import dataclass
from typing import Optional

from flask_login import UserMixin, current_user

# The signed-in Actor of this request (or an anonymous user). One name for core and
# plugins alike; Flask-Login calls it current_user.
current_actor = current_user


@dataclass
class Actor(UserMixin):
    id: int
    username: str
    display_name: str
    org_path: str
    session_id: Optional[str] = None  # browser sessions
    token_id: Optional[str] = None  # API tokens
    token_scopes: Optional[tuple] = None  # None = not limited by a token

    def get_id(self):
        # Flask-Login keeps this in the cookie: the server-side session record's id, so
        # logout, disabling the user or a password change can revoke it.
        return self.session_id

    @classmethod
    def from_user(cls, user, **extra):
        return cls(
            id=user.id,
            username=user.username,
            display_name=user.display_name or user.username,
            org_path=user.org_path,
            **extra,
        )
