"""special_visits' tables (listed in manifest.json; migration in ``migrations/``).

Every table hangs off the org tree through ``org_path``, so the core scopes each read and
rewrites the rows when nodes move or merge. A roster entry is never deleted: a resident who
leaves a group keeps the entry (status ``left``) and its visits; one who dies or moves out
is ``ended`` and off every due list at once."""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.public import utcnow

PREFIX = "special_visits_"
ACTIVE, LEFT, ENDED = "active", "left", "ended"


def _path_index(table, *more):
    columns = ("org_path", *more)
    return Index(f"ix_{table}_{'_'.join(columns)}", *columns, postgresql_ops={"org_path": "text_pattern_ops"})


class TargetGroup(SQLModel, table=True):
    """A group of residents to visit, defined at a county or street and applying below it."""

    __tablename__ = PREFIX + "group"
    __tenant_path_column__ = "org_path"
    __table_args__ = (
        _path_index(PREFIX + "group"),
        UniqueConstraint("org_path", "seed_key", name="uq_special_visits_group_seed"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    org_path: str = Field(max_length=300)  # where it was defined (a county or a street)
    name: str = Field(max_length=50)
    rule: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    frequency: str = Field(default="monthly", max_length=16)  # weekly | fortnightly | monthly | quarterly
    checklist: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # [finding key]
    grace_days: int = 3
    alert_kinds: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    seed_key: Optional[str] = Field(default=None, max_length=40)  # the default it was seeded from
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class RosterEntry(SQLModel, table=True):
    """One resident in one group: who visits them, when next, and any alert visit pending."""

    __tablename__ = PREFIX + "entry"
    __tenant_path_column__ = "org_path"
    __table_args__ = (
        UniqueConstraint("group_id", "resident_id", name="uq_special_visits_entry_group_resident"),
        _path_index(PREFIX + "entry", "status", "due_date"),
        Index("ix_special_visits_entry_assignee", "assigned_to", "status", "due_date"),
        Index("ix_special_visits_entry_resident", "resident_id"),
        Index("ix_special_visits_entry_alert", "alert_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key=PREFIX + "group.id")
    resident_id: int
    org_path: str = Field(max_length=300)  # the resident's grid
    resident_name: str = Field(default="", max_length=50)
    address: str = Field(default="", max_length=100)
    status: str = Field(default=ACTIVE, max_length=8)  # active | left | ended
    status_reason: str = Field(default="", max_length=16)  # left_group | moved_out | deceased | merged
    status_changed_at: Optional[datetime] = None
    joined_on: date
    assigned_to: Optional[str] = Field(default=None, max_length=64)  # username
    assigned_override: bool = False
    last_visit_at: Optional[datetime] = None
    due_date: date
    overdue_for: Optional[date] = None  # the due date whose overdue notice went out
    escalation_at: Optional[datetime] = None  # when the overdue visit escalates (or did)
    escalated_at: Optional[datetime] = None
    alert_id: Optional[int] = None
    alert_name: str = Field(default="", max_length=120)
    alert_due_at: Optional[datetime] = None
    alert_visited_at: Optional[datetime] = None


class Visit(SQLModel, table=True):
    """A visit as recorded: how, what was found, whether anything needs following up."""

    __tablename__ = PREFIX + "visit"
    __tenant_path_column__ = "org_path"
    __table_args__ = (
        UniqueConstraint("client_key", name="uq_special_visits_visit_client_key"),
        _path_index(PREFIX + "visit", "visited_at"),
        Index("ix_special_visits_visit_entry", "entry_id", "visited_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key=PREFIX + "entry.id")
    group_id: int
    resident_id: int
    org_path: str = Field(max_length=300)
    visited_at: datetime = Field(default_factory=utcnow)
    visitor: str = Field(max_length=64)
    form: str = Field(max_length=8)  # home | phone | video
    findings: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=200)
    follow_up: bool = False
    follow_up_note: str = Field(default="", max_length=200)
    due_date: date  # the due date this visit answered
    on_time: bool = True
    alert_id: Optional[int] = None
    client_key: Optional[str] = Field(default=None, max_length=64)


class AlertRun(SQLModel, table=True):
    """An alert as this plugin follows it: which residents it made due, and until when."""

    __tablename__ = PREFIX + "alert"
    __tenant_path_column__ = "org_path"
    __table_args__ = (_path_index(PREFIX + "alert"), UniqueConstraint("alert_id", name="uq_special_visits_alert"))

    id: Optional[int] = Field(default=None, primary_key=True)
    alert_id: int
    org_path: str = Field(max_length=300)  # the alert's area
    kind: str = Field(max_length=16)
    name: str = Field(max_length=120)
    ends_at: datetime
    lifted_at: Optional[datetime] = None
    due_count: int = 0  # frozen when lifted
    visited_count: int = 0
