"""One row per alert. An alert is in force from ``starts_at`` until ``ends_at`` or until it
is lifted, whichever comes first; ``core.alert_expiry`` announces the lapse of an alert
that reached its deadline, so a plugin hears ``core.alert_lifted`` either way."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow

KINDS = {"heat": "高温", "cold": "寒潮", "typhoon": "台风", "rainstorm": "暴雨", "other": "其他"}
LIFTED, EXPIRED = "lifted", "expired"
MESSAGE_MAX = 500


class Alert(SQLModel, table=True):
    __tablename__ = "core_alert"
    __tenant_path_column__ = "org_path"
    # text_pattern_ops: scopes are byte-wise ranges on PostgreSQL (core/tree/ranges.py)
    __table_args__ = (Index("ix_core_alert_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),)

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    org_path: str = Field(max_length=300)  # the area: this node and its subtree
    message: str = Field(max_length=MESSAGE_MAX)
    starts_at: datetime
    ends_at: datetime = Field(index=True)
    issued_by: str = Field(max_length=100)
    issued_at: datetime = Field(default_factory=utcnow)
    lifted_at: Optional[datetime] = None
    lifted_by: str = Field(default="", max_length=100)
    lift_reason: str = Field(default="", max_length=16)  # lifted | expired
