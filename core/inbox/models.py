"""Notices, who read them, and pending escalations.

A notice goes to one user or to whoever holds a role package at a node. The package is
resolved when the inbox is read, not when the notice is written, so a community admin
granted tomorrow sees what was sent to "the community admin" today.
"""

from datetime import datetime
from typing import Optional

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow

OPEN, DONE, CANCELLED = "open", "done", "cancelled"
PENDING, FIRED = "pending", "fired"
SEVERITIES = {"info": "提示", "warning": "提醒", "urgent": "紧急"}
STATUS_TITLES = {OPEN: "待办", DONE: "已办", CANCELLED: "已撤销"}


class Notice(SQLModel, table=True):
    __tablename__ = "core_notice"
    __tenant_path_column__ = "org_path"
    __table_args__ = (
        # text_pattern_ops: scopes are byte-wise ranges on PostgreSQL (core/tree/ranges.py)
        Index("ix_core_notice_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
        Index("ix_core_notice_package_node", "to_package", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
        Index("ix_core_notice_object", "plugin", "object_type", "object_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    plugin: str = Field(max_length=64)
    title: str = Field(max_length=200)
    link: str = Field(default="", max_length=500)  # a path inside Gridwork, e.g. /resident_info/…
    severity: str = Field(default="info", max_length=16)
    org_path: str = Field(max_length=300)  # the node the notice is about
    to_user_id: Optional[int] = Field(default=None, index=True)
    to_package: Optional[str] = Field(default=None, max_length=64)
    object_type: str = Field(default="", max_length=64)
    object_id: str = Field(default="", max_length=64)
    due_at: Optional[datetime] = None
    created_at: datetime = Field(default_factory=utcnow)
    status: str = Field(default=OPEN, max_length=16)
    closed_at: Optional[datetime] = None
    closed_by: str = Field(default="", max_length=100)


class NoticeRead(SQLModel, table=True):
    """One row per reader: a package notice is read by each of its holders separately."""

    __tablename__ = "core_notice_read"

    notice_id: int = Field(primary_key=True, foreign_key="core_notice.id")
    user_id: int = Field(primary_key=True)
    read_at: datetime = Field(default_factory=utcnow)


class Escalation(SQLModel, table=True):
    __tablename__ = "core_escalation"
    __tenant_path_column__ = "org_path"
    __table_args__ = (
        Index("ix_core_escalation_due", "status", "fire_at"),
        Index("ix_core_escalation_object", "plugin", "object_type", "object_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    plugin: str = Field(max_length=64)
    object_type: str = Field(max_length=64)
    object_id: str = Field(max_length=64)
    org_path: str = Field(max_length=300)
    package: str = Field(max_length=64)
    fire_at: datetime
    title: str = Field(max_length=200)
    link: str = Field(default="", max_length=500)
    severity: str = Field(default="warning", max_length=16)
    status: str = Field(default=PENDING, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    fired_at: Optional[datetime] = None
