"""One row per retirement started at a node (``core_lifecycle``) and the exports kept for it.

A row covers its node's subtree. Rows are never deleted: restoring sets ``restored_at``, so
the history of every cut stays readable, and a row restored at a county leaves a street's own
earlier row (retired separately) in force — each retirement brings back only what it froze.
"""

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow

FLAGGED, FROZEN, RETIRED = "flagged", "frozen", "retired"
SEVERITY = {FLAGGED: 1, FROZEN: 2, RETIRED: 3}


class LifecycleStep(SQLModel, table=True):
    __tablename__ = "core_lifecycle"
    __table_args__ = (
        Index("ix_core_lifecycle_plugin_path", "plugin", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    plugin: str = Field(max_length=40)
    org_path: str = Field(max_length=300)
    state: str = Field(max_length=16)  # flagged | frozen | retired
    notice: str = Field(default="", max_length=500)  # what users read on the module's pages
    freeze_on: Optional[datetime] = None  # planned (county cut): the scheduler freezes then
    retire_on: Optional[datetime] = None  # planned: the scheduler retires then
    flagged_at: datetime = Field(default_factory=utcnow)
    frozen_at: Optional[datetime] = None
    retired_at: Optional[datetime] = None
    restored_at: Optional[datetime] = None  # set = this retirement is over
    purged_at: Optional[datetime] = None
    started_by: str = Field(default="", max_length=100)


class LifecycleExport(SQLModel, table=True):
    """A full export of a plugin's data for a subtree, written before it is retired."""

    __tablename__ = "core_lifecycle_export"

    id: Optional[int] = Field(default=None, primary_key=True)
    lifecycle_id: int = Field(foreign_key="core_lifecycle.id", index=True)
    plugin: str = Field(max_length=40)
    org_path: str = Field(max_length=300)
    plugin_version: str = Field(default="", max_length=40)
    json_file: str = Field(max_length=500)  # relative to the exports folder
    xlsx_file: str = Field(max_length=500)
    counts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="", max_length=100)


class PurgePermit(SQLModel, table=True):
    """The one sanctioned removal from an append-only table: a purge writes a permit for its
    plugin and subtree, deletes, and removes the permit in the same transaction, so a committed
    database never holds one. A plugin's append-only trigger lets a DELETE through only while a
    permit covers the row (see docs/plugins.md, "Append-only tables")."""

    __tablename__ = "core_purge_permit"

    id: Optional[int] = Field(default=None, primary_key=True)
    plugin: str = Field(max_length=40)
    org_path: str = Field(max_length=300)
    lifecycle_id: int = Field(foreign_key="core_lifecycle.id")
