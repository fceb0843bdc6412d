"""Per-node plugin settings (enabled / disabled / forbidden), inherited down the tree."""

from datetime import datetime
from typing import Optional

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow

STATES = ("enabled", "disabled", "forbidden")


class PluginSetting(SQLModel, table=True):
    __tablename__ = "core_plugin_setting"
    __table_args__ = (UniqueConstraint("plugin", "org_path", name="uq_core_plugin_setting_plugin_path"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    plugin: str = Field(max_length=40, index=True)
    org_path: str = Field(max_length=300)
    state: str = Field(max_length=16)
    changed_at: datetime = Field(default_factory=utcnow)
    changed_by: str = Field(default="", max_length=100)
