"""The event bus tables: the outbox, one delivery row per (event, handler), the
processed markers that make handlers idempotent, and the dead letters (kept forever)."""

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow

PENDING, DONE, SKIPPED, DEAD = "pending", "done", "skipped", "dead"
ERROR_MAX_LENGTH = 2000


class EventRecord(SQLModel, table=True):
    """The outbox: written in the publisher's transaction, so it exists exactly when the
    business change does."""

    __tablename__ = "core_event"
    __tenant_path_column__ = "org_path"
    # text_pattern_ops: the index the scope's byte-wise ranges use on PostgreSQL (core_0009).
    __table_args__ = (Index("ix_core_event_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),)

    id: str = Field(primary_key=True, max_length=32)
    type: str = Field(max_length=100, index=True)
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    org_path: str = Field(max_length=300)
    actor: str = Field(default="", max_length=100)
    occurred_at: datetime = Field(default_factory=utcnow, index=True)


class EventDelivery(SQLModel, table=True):
    """One event to one handler. ``pending`` rows are due at ``next_attempt_at``; a claimed
    row carries a lease (owner, until) that lapses if its worker dies."""

    __tablename__ = "core_event_delivery"
    __table_args__ = (
        UniqueConstraint("event_id", "handler", name="uq_core_event_delivery_event_handler"),
        Index("ix_core_event_delivery_due", "status", "next_attempt_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    event_id: str = Field(sa_column=Column(String(32), ForeignKey("core_event.id"), nullable=False))
    handler: str = Field(max_length=100)
    status: str = Field(default=PENDING, max_length=16)
    attempts: int = 0  # claims so far: a worker killed mid-handler used one up too
    last_error: Optional[str] = Field(default=None, max_length=ERROR_MAX_LENGTH)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    lease_owner: Optional[str] = Field(default=None, max_length=100)
    lease_until: Optional[datetime] = None
    finished_at: Optional[datetime] = None


class EventProcessed(SQLModel, table=True):
    """Written in the handler's own transaction: an event's effects commit at most once
    per handler, however often it is delivered."""

    __tablename__ = "core_event_processed"

    event_id: str = Field(primary_key=True, max_length=32)
    handler: str = Field(primary_key=True, max_length=100)
    processed_at: datetime = Field(default_factory=utcnow)


class EventDeadLetter(SQLModel, table=True):
    """A delivery that failed every attempt. Never deleted: replaying sets ``replayed_at``
    and re-queues the delivery, and the row stays as history."""

    __tablename__ = "core_event_dead_letter"

    id: Optional[int] = Field(default=None, primary_key=True)
    delivery_id: int = Field(
        sa_column=Column(Integer, ForeignKey("core_event_delivery.id"), nullable=False, index=True)
    )
    event_id: str = Field(max_length=32, index=True)
    handler: str = Field(max_length=100, index=True)
    attempts: int
    last_error: str = Field(default="", max_length=ERROR_MAX_LENGTH)
    died_at: datetime = Field(default_factory=utcnow)
    replayed_at: Optional[datetime] = Field(default=None, index=True)
    replayed_by: str = Field(default="", max_length=100)
