"""Role packages, the Casbin rule table and the policy version counter."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow


class RolePackage(SQLModel, table=True):
    """A named bundle of permissions (治理任务角色包). Its permissions live in Casbin ``p`` rules."""

    __tablename__ = "core_role_package"

    name: str = Field(primary_key=True, max_length=64)
    title_zh: str = Field(max_length=100)
    title_en: str = Field(default="", max_length=100)
    description: str = Field(default="", max_length=500)
    builtin: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CasbinRule(SQLModel, table=True):
    """Casbin policy rows, read by sqlalchemy-adapter; written only by core.permissions.store.

    ``p`` rows: (``pkg:<name>``, ``*``, ``<permission>``).
    ``g`` rows: (``u:<user id>``, ``pkg:<name>``, ``<org path>``) — a grant.
    """

    __tablename__ = "core_casbin_rule"
    __table_args__ = (
        Index("ix_core_casbin_rule_ptype_v0", "ptype", "v0"),
        Index("ix_core_casbin_rule_ptype_v1", "ptype", "v1"),
        # Grants by org path, read through a scope: text_pattern_ops for its ranges (core_0009).
        Index("ix_core_casbin_rule_ptype_v2", "ptype", "v2", postgresql_ops={"v2": "text_pattern_ops"}),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    ptype: str = Field(max_length=8)
    v0: Optional[str] = Field(default=None, max_length=255)
    v1: Optional[str] = Field(default=None, max_length=255)
    v2: Optional[str] = Field(default=None, max_length=255)
    v3: Optional[str] = Field(default=None, max_length=255)
    v4: Optional[str] = Field(default=None, max_length=255)
    v5: Optional[str] = Field(default=None, max_length=255)

    def __str__(self):
        # sqlalchemy-adapter turns each row into a policy line through str().
        values = [self.ptype] + [v for v in (self.v0, self.v1, self.v2, self.v3, self.v4, self.v5) if v is not None]
        return ", ".join(values)


class PolicyVersion(SQLModel, table=True):
    """A counter bumped in the same transaction as every policy change; workers reload when it moves."""

    __tablename__ = "core_policy_version"

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    changed_at: datetime = Field(default_factory=utcnow)
