"""Users, server-side session records, API tokens and login attempts."""

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow


class User(SQLModel, table=True):
    __tablename__ = "core_user"
    __tenant_path_column__ = "org_path"
    # text_pattern_ops: the index the scope's byte-wise ranges use on PostgreSQL (core_0009).
    __table_args__ = (Index("ix_core_user_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),)
    # Unique regardless of case ("Admin" cannot pose as "admin") through the index
    # core_user_username_lower on lower(username) (migration core_0005), so parallel
    # creations cannot both win.

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=64)
    display_name: str = Field(default="", max_length=100)
    password_hash: str = Field(max_length=255)
    # The user's home node: who may see and manage this account.
    org_path: str = Field(max_length=300)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    password_changed_at: datetime = Field(default_factory=utcnow)


class UserSession(SQLModel, table=True):
    """One browser login. Logout, disabling the user or a password change revoke it."""

    __tablename__ = "core_user_session"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="core_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    revoked_at: Optional[datetime] = None
    ip: str = Field(default="", max_length=64)


class ApiToken(SQLModel, table=True):
    """An integration token. Only a hash of the secret is stored."""

    __tablename__ = "core_api_token"

    id: str = Field(primary_key=True, max_length=32)
    user_id: int = Field(foreign_key="core_user.id", index=True)
    name: str = Field(max_length=100)
    secret_hash: str = Field(max_length=128)
    # Permissions the token may use; ["*"] = everything the user holds.
    scopes: list = Field(default_factory=lambda: ["*"], sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: Optional[datetime] = None
    revoked_at: Optional[datetime] = None


class LoginAttempt(SQLModel, table=True):
    """Failed logins, counted per account and per address for throttling (shared by all workers)."""

    __tablename__ = "core_login_attempt"

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(index=True, max_length=64)
    ip: str = Field(index=True, max_length=64)
    at: datetime = Field(default_factory=utcnow, index=True)
