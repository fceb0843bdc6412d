"""scenario_builder's tables (listed in manifest.json; migration in ``migrations/``).

Every save makes a new version row and no version row is ever changed, so "published
versions are immutable" and "every version is kept" hold by construction; the scenario row
only points at its latest and its published version.
"""

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.public import utcnow

PREFIX = "scenario_builder_"
STATUSES = ("draft", "published", "archived")


class Scenario(SQLModel, table=True):
    __tablename__ = PREFIX + "scenario"
    __tenant_path_column__ = "org_path"

    id: Optional[int] = Field(default=None, primary_key=True)
    org_path: str = Field(max_length=300, index=True)  # the node whose admins own it
    title: str = Field(max_length=60)
    status: str = Field(default="draft", max_length=12)
    latest_version: int = 1
    published_version: Optional[int] = None
    created_by: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow)
    # Publish down (下发): a county's or street's scenario offered to the nodes below it as a
    # template, at this version; a copy adopted below remembers its source and source version.
    offered_version: Optional[int] = None
    adopted_from: Optional[int] = None  # the source scenario's id
    adopted_version: Optional[int] = None
    declined_version: Optional[int] = None  # the source version its admin chose not to take


class ScenarioVersion(SQLModel, table=True):
    """One saved state. ``content`` holds title, description, icon, triggers, the nodes and
    packages it is published to; the blocks are rows of ``ScenarioBlock``."""

    __tablename__ = PREFIX + "version"
    __tenant_path_column__ = "org_path"
    __table_args__ = (UniqueConstraint("scenario_id", "number", name="uq_scenario_builder_version_number"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key=PREFIX + "scenario.id", index=True)
    org_path: str = Field(max_length=300, index=True)
    number: int
    content: dict = Field(sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=200)  # "回退到第 2 版", "导入"
    saved_by: str = Field(max_length=80)
    saved_at: datetime = Field(default_factory=utcnow)


class ScenarioBlock(SQLModel, table=True):
    """A block placed in a version, at ``position`` (0 first), with its settings as saved and
    the version of the block's settings schema they were saved under."""

    __tablename__ = PREFIX + "block"
    __tenant_path_column__ = "org_path"

    id: Optional[int] = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key=PREFIX + "version.id", index=True)
    org_path: str = Field(max_length=300)
    position: int
    plugin: str = Field(max_length=40)
    block: str = Field(max_length=61)
    settings: dict = Field(sa_column=Column(JSON, nullable=False))
    settings_version: int = 1


class TriggerRun(SQLModel, table=True):
    """One trigger of one scenario run for one event. The unique key (event, scenario,
    trigger) makes a redelivered event a no-op; a failed run keeps the action's input and
    the error, so its admin sees it on the scenario's page and can retry it."""

    __tablename__ = PREFIX + "trigger_run"
    __tenant_path_column__ = "org_path"
    __table_args__ = (
        UniqueConstraint("event_id", "scenario_id", "trigger_index", name="uq_scenario_builder_trigger_run"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=32)
    scenario_id: int = Field(foreign_key=PREFIX + "scenario.id", index=True)
    version_number: int
    trigger_index: int
    org_path: str = Field(max_length=300)  # the event's node: where the action ran
    plugin: str = Field(max_length=40)
    block: str = Field(max_length=61)
    action: str = Field(max_length=61)
    input: dict = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="done", max_length=8)  # done | failed
    error: str = Field(default="", max_length=300)  # Chinese, for the scenario's admin
    attempts: int = 1
    ran_at: datetime = Field(default_factory=utcnow)
