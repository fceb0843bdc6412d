"""waste_sorting's tables (listed in manifest.json; migration in ``migrations/``).

Every table that hangs off the org tree names its path column in ``__tenant_path_column__``,
so an unscoped read fails closed. Checklists are never edited: a change is a new row with
the next version, and inspections name the rows they used, so old inspections read (and
export) exactly as they were recorded. The points ledger only grows: the migration installs
triggers that refuse UPDATE and DELETE of its entries on SQLite and PostgreSQL alike (only
the org path may be rewritten, by the core, when a node moves)."""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.public import utcnow

PREFIX = "waste_sorting_"


def _path_index(table, *columns):
    return Index(f"ix_{table}_org_path", "org_path", *columns, postgresql_ops={"org_path": "text_pattern_ops"})


class CollectionPoint(SQLModel, table=True):
    """投放点: where residents bring their sorted waste, at a community or one of its grids."""

    __tablename__ = PREFIX + "point"
    __tenant_path_column__ = "org_path"
    __table_args__ = (_path_index(PREFIX + "point", "status"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    org_path: str = Field(max_length=300)
    name: str = Field(max_length=60)
    location: str = Field(default="", max_length=200)
    latitude: Optional[float] = None
    longitude: Optional[float] = None
    bin_types: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    schedule: str = Field(default="", max_length=200)  # 开放时间, as people write it (07:00-09:00、18:00-20:00)
    supervisor: str = Field(default="", max_length=100)  # the 督导员's username
    status: str = Field(default="active", max_length=10)  # active | closed
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PointChange(SQLModel, table=True):
    """One change to a collection point (opened, edited, closed, reopened) — its history.
    Read only after the point itself was found inside the reader's scope."""

    __tablename__ = PREFIX + "point_change"

    id: Optional[int] = Field(default=None, primary_key=True)
    point_id: int = Field(index=True)
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=100)
    action: str = Field(max_length=20)  # opened | updated | closed | reopened
    changes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Checklist(SQLModel, table=True):
    """One version of a county's checklist, or of a street's extra items. Never updated."""

    __tablename__ = PREFIX + "checklist"
    __tenant_path_column__ = "org_path"
    __table_args__ = (
        UniqueConstraint("org_path", "version", name="uq_waste_sorting_checklist_version"),
        _path_index(PREFIX + "checklist", "version"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    org_path: str = Field(max_length=300)  # a county (the checklist) or a street (its extra items)
    version: int
    items: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # [{key,title,weight,critical}]
    pass_mark: int = 80  # score out of 100 at which an inspection passes
    deadline_days: int = 3  # a rectification's deadline after a failure
    repeat_fails: int = 3  # this many failures ...
    repeat_days: int = 30  # ... within this many days escalate to the community admin
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


class Inspection(SQLModel, table=True):
    """督导检查: one inspection of one point, scored by the server against the checklist
    versions it names. ``client_key`` makes a phone's resend of the same record a no-op."""

    __tablename__ = PREFIX + "inspection"
    __tenant_path_column__ = "org_path"
    __table_args__ = (
        UniqueConstraint("client_key", name="uq_waste_sorting_inspection_client_key"),
        # Covers the trend board: scope range, week and verdict read from the index alone.
        _path_index(PREFIX + "inspection", "week_start", "passed"),
        Index("ix_waste_sorting_inspection_point", "point_id", "inspected_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    org_path: str = Field(max_length=300)  # the point's
    point_id: int
    checklist_id: Optional[int] = None  # None: the default checklist (the county had none yet)
    street_checklist_id: Optional[int] = None
    score: int
    passed: bool
    critical_failed: bool = False
    note: str = Field(default="", max_length=500)
    inspector: str = Field(max_length=100)
    inspected_at: datetime = Field(default_factory=utcnow)
    local_day: date  # the day in the deployment's zone: "today's inspections", trends by day
    week_start: date  # the Monday of local_day: trends by week without date functions in SQL
    rectification_id: Optional[int] = None  # the rectification this inspection re-checked
    client_key: Optional[str] = Field(default=None, max_length=64)


class InspectionItem(SQLModel, table=True):
    """One checklist item's result, with the item's title and weight as they were."""

    __tablename__ = PREFIX + "inspection_item"
    __table_args__ = (Index("ix_waste_sorting_inspection_item_failed", "passed", "item_key"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    inspection_id: int = Field(index=True)
    item_key: str = Field(max_length=40)
    title: str = Field(max_length=100)
    weight: int
    critical: bool = False
    passed: bool = True


class Rectification(SQLModel, table=True):
    """整改: opened by a failed inspection, assigned to the point's supervisor, closed by a
    passing re-check; a failing re-check keeps it open with a new deadline."""

    __tablename__ = PREFIX + "rectification"
    __tenant_path_column__ = "org_path"
    __table_args__ = (_path_index(PREFIX + "rectification", "status", "deadline"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    org_path: str = Field(max_length=300)
    point_id: int = Field(index=True)
    inspection_id: int  # the failure that opened it
    status: str = Field(default="open", max_length=10)  # open | closed
    assigned_to: str = Field(default="", max_length=100)
    deadline: datetime
    rechecks: int = 0
    overdue_at: Optional[datetime] = None  # when it was first found overdue (published once)
    opened_at: datetime = Field(default_factory=utcnow)
    closed_at: Optional[datetime] = None
    closed_by_inspection_id: Optional[int] = None


class PointsRule(SQLModel, table=True):
    """A community's points rules: points per action and a daily cap per household."""

    __tablename__ = PREFIX + "points_rule"
    __tenant_path_column__ = "org_path"
    __table_args__ = (UniqueConstraint("org_path", name="uq_waste_sorting_points_rule_org_path"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    org_path: str = Field(max_length=300)  # the community
    points_per_action: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    daily_cap: int = 10
    updated_by: str = Field(default="", max_length=100)
    updated_at: datetime = Field(default_factory=utcnow)


class WallSetting(SQLModel, table=True):
    """How a county's points walls name households: ``surname`` (王**家) or ``house`` (3栋2单元301)."""

    __tablename__ = PREFIX + "wall_setting"
    __tenant_path_column__ = "org_path"
    __table_args__ = (UniqueConstraint("org_path", name="uq_waste_sorting_wall_setting_org_path"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    org_path: str = Field(max_length=300)  # the county
    mask: str = Field(default="surname", max_length=10)


class PointsEntry(SQLModel, table=True):
    """One line of a community's points ledger (积分流水). Append-only (database triggers),
    hash-chained per community (``seq`` 1, 2, … with the previous entry's hash); a mistake is
    corrected by a reversing entry that names the entry it reverses and why."""

    __tablename__ = PREFIX + "points_entry"
    __tenant_path_column__ = "org_path"
    __table_args__ = (
        UniqueConstraint("org_path", "seq", name="uq_waste_sorting_points_entry_seq"),
        _path_index(PREFIX + "points_entry", "household_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    org_path: str = Field(max_length=300)  # the community: one chain per community
    seq: int
    household_id: int
    surname: str = Field(default="", max_length=4)  # the head's surname only, for the masked wall
    house: str = Field(default="", max_length=60)
    points: int
    action: str = Field(max_length=40)  # correct_sorting | supervisor_report | reversal | <plugin>.<action>
    reason: str = Field(default="", max_length=200)
    inspection_id: Optional[int] = None
    reverses_seq: Optional[int] = None
    actor: str = Field(max_length=100)
    at: datetime = Field(default_factory=utcnow)
    local_day: date
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class PointsHead(SQLModel, table=True):
    """The tip of each community's chain: claiming ``seq`` here serialises appends, and a
    deleted tail shows as a head ahead of the last entry."""

    __tablename__ = PREFIX + "points_head"
    __tenant_path_column__ = "org_path"
    __table_args__ = (UniqueConstraint("org_path", name="uq_waste_sorting_points_head_org_path"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    org_path: str = Field(max_length=300)
    seq: int = 0
    hash: str = Field(max_length=64)
