"""Usage tables. Distinct users are kept exactly, one row per user × day × node × module
(``UsageUserDay``, like Discourse's user visits) and per user × week (``UsageUserWeek``,
derived from the day rows by the nightly rollup): period and subtree figures count distinct
users over those rows, never by adding daily distinct counts."""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow

PATTERN = {"org_path": "text_pattern_ops"}


class UsageCount(SQLModel, table=True):
    """Raw counts from the spool: requests per day × node × plugin × action."""

    __tablename__ = "core_usage_count"
    day: date = Field(primary_key=True)
    org_path: str = Field(primary_key=True, max_length=300)
    plugin: str = Field(primary_key=True, max_length=64)
    action: str = Field(primary_key=True, max_length=130)
    n: int = 0


class UsageUserDay(SQLModel, table=True):
    __tablename__ = "core_usage_user_day"
    __table_args__ = (Index("ix_core_usage_user_day_plugin_day", "plugin", "day", "org_path", "user_id"),)
    day: date = Field(primary_key=True)
    org_path: str = Field(primary_key=True, max_length=300)
    plugin: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(primary_key=True)


class UsageUserWeek(SQLModel, table=True):
    __tablename__ = "core_usage_user_week"
    __table_args__ = (Index("ix_core_usage_user_week_plugin_week", "plugin", "week", "org_path", "user_id"),)
    week: date = Field(primary_key=True)  # the Monday
    org_path: str = Field(primary_key=True, max_length=300)
    plugin: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(primary_key=True)


class UsageDaily(SQLModel, table=True):
    """The nightly rollup: actions and distinct users per day × node × plugin."""

    __tablename__ = "core_usage_daily"
    __table_args__ = (Index("ix_core_usage_daily_plugin_day", "plugin", "day", "org_path"),)
    day: date = Field(primary_key=True)
    org_path: str = Field(primary_key=True, max_length=300)
    plugin: str = Field(primary_key=True, max_length=64)
    actions: int = 0
    users: int = 0


class UsageWeekly(SQLModel, table=True):
    __tablename__ = "core_usage_weekly"
    __table_args__ = (Index("ix_core_usage_weekly_plugin_week", "plugin", "week", "org_path"),)
    week: date = Field(primary_key=True)
    org_path: str = Field(primary_key=True, max_length=300)
    plugin: str = Field(primary_key=True, max_length=64)
    actions: int = 0
    users: int = 0  # distinct users of that week at that node, from the day rows


class ScenarioUseCount(SQLModel, table=True):
    """Raw counts per scenario: requests that opened it (``kind`` open) or acted inside it
    (``kind`` action: a block's form sent from its workbench, a trigger run), per day × node.
    ``scenario`` is opaque to the core (the composer's id); titles come from the placements hook."""

    __tablename__ = "core_usage_scenario_count"
    day: date = Field(primary_key=True)
    org_path: str = Field(primary_key=True, max_length=300)
    scenario: str = Field(primary_key=True, max_length=64)
    kind: str = Field(primary_key=True, max_length=16)
    n: int = 0


class ScenarioUserDay(SQLModel, table=True):
    """One row per user × day × node × scenario: distinct users of a scenario, exactly."""

    __tablename__ = "core_usage_scenario_user_day"
    __table_args__ = (Index("ix_core_usage_scenario_user_day_scenario_day", "scenario", "day", "org_path", "user_id"),)
    day: date = Field(primary_key=True)
    org_path: str = Field(primary_key=True, max_length=300)
    scenario: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(primary_key=True)


class ScenarioUserWeek(SQLModel, table=True):
    __tablename__ = "core_usage_scenario_user_week"
    week: date = Field(primary_key=True)  # the Monday
    org_path: str = Field(primary_key=True, max_length=300)
    scenario: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(primary_key=True)


class ScenarioDaily(SQLModel, table=True):
    """The nightly rollup per scenario: opens, actions and distinct users per day × node."""

    __tablename__ = "core_usage_scenario_daily"
    day: date = Field(primary_key=True)
    org_path: str = Field(primary_key=True, max_length=300)
    scenario: str = Field(primary_key=True, max_length=64)
    opens: int = 0
    actions: int = 0
    users: int = 0


class ScenarioWeekly(SQLModel, table=True):
    __tablename__ = "core_usage_scenario_weekly"
    week: date = Field(primary_key=True)
    org_path: str = Field(primary_key=True, max_length=300)
    scenario: str = Field(primary_key=True, max_length=64)
    opens: int = 0
    actions: int = 0
    users: int = 0  # distinct users of that week, from the user-day rows


class UsageFormField(SQLModel, table=True):
    """How often each field of a plugin's form was filled: ``shown`` submissions offered the
    field, ``filled`` of them had a value."""

    __tablename__ = "core_usage_form_field"
    day: date = Field(primary_key=True)
    org_path: str = Field(primary_key=True, max_length=300)
    plugin: str = Field(primary_key=True, max_length=64)
    form: str = Field(primary_key=True, max_length=120)
    field: str = Field(primary_key=True, max_length=120)
    shown: int = 0
    filled: int = 0


class UsageSpoolOffset(SQLModel, table=True):
    """How far each spool file has been counted; moved in the transaction that adds its counts."""

    __tablename__ = "core_usage_spool_offset"
    file: str = Field(primary_key=True, max_length=200)
    offset: int = 0


class Rating(SQLModel, table=True):
    """A rating (kind ``rating``: one per user × module × month, the latest counts) or a
    problem report (kind ``problem``: "这个功能不好用", any number)."""

    __tablename__ = "core_usage_rating"
    __tenant_path_column__ = "org_path"
    __table_args__ = (
        Index("ix_core_usage_rating_org_path", "org_path", postgresql_ops=PATTERN),
        Index("ix_core_usage_rating_plugin_month", "plugin", "month"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(default="rating", max_length=16)
    user_id: int = Field(index=True)
    plugin: str = Field(max_length=64)
    org_path: str = Field(max_length=300)
    month: str = Field(max_length=7)  # 2026-12, local
    stars: Optional[int] = None
    comment: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    followup: str = Field(default="", max_length=16)  # "" | open | replied | resolved
    reply: str = Field(default="", max_length=1000)
    replied_by: str = Field(default="", max_length=100)
    replied_at: Optional[datetime] = None
    resolved_at: Optional[datetime] = None
    reply_due: Optional[datetime] = None
    resolve_due: Optional[datetime] = None
    second_stars: Optional[int] = None  # 追评, once, after the reply
    second_comment: str = Field(default="", max_length=500)


class CountyUsageSettings(SQLModel, table=True):
    """Per county: the slimming list's weights and the follow-up deadlines (working days)."""

    __tablename__ = "core_usage_county_settings"
    county_path: str = Field(primary_key=True, max_length=300)
    weights: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reply_days: int = 1
    resolve_days: int = 15


class SlimmingSnapshot(SQLModel, table=True):
    """The slimming list of one county for one quarter, stored by the scheduler."""

    __tablename__ = "core_usage_slimming_snapshot"
    __table_args__ = (UniqueConstraint("org_path", "period_start", name="uq_core_usage_snapshot"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    org_path: str = Field(max_length=300)
    period_start: date
    period_end: date
    computed_at: datetime = Field(default_factory=utcnow)
    rows: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
