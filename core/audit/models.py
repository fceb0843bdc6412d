"""The append-only, hash-chained audit trail (全程留痕)."""

from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow

GENESIS_HASH = "0" * 64


class AuditEntry(SQLModel, table=True):
    __tablename__ = "core_audit_entry"
    __tenant_path_column__ = "org_path"
    # text_pattern_ops: the index the scope's byte-wise ranges use on PostgreSQL (core_0009).
    __table_args__ = (
        Index("ix_core_audit_entry_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
    )

    seq: int = Field(primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(default="", max_length=100)
    action: str = Field(max_length=100, index=True)
    target: str = Field(default="", max_length=300)
    org_path: str = Field(default="", max_length=300)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    ip: str = Field(default="", max_length=64)
    prev_hash: str = Field(max_length=64, unique=True)
    hash: str = Field(max_length=64, unique=True)


class AuditHead(SQLModel, table=True):
    """The chain's tip. Locking this row serialises appends, so the chain never forks;
    it also lets ``audit verify`` notice a truncated tail."""

    __tablename__ = "core_audit_head"

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = Field(default=GENESIS_HASH, max_length=64)
