"""``core_attachment``: one file attached to one plugin record at an org node.

The bytes live in the store under their SHA-256 (``content_hash``, and ``phone_hash`` for
the phone-sized copy); many rows may name the same bytes, so removing a row never deletes
them. ``permission`` is the plugin permission a viewer must hold at ``org_path``."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow


class Attachment(SQLModel, table=True):
    __tablename__ = "core_attachment"
    # Lists must carry a data scope (core.tree.scope); moves and merges rewrite it (core.tree.bound).
    __tenant_path_column__ = "org_path"
    __table_args__ = (
        Index("ix_core_attachment_record", "plugin", "record_type", "record_id"),
        # text_pattern_ops: scopes and org moves are byte-wise ranges on PostgreSQL (core/tree/ranges.py)
        Index("ix_core_attachment_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    plugin: str = Field(max_length=40)
    record_type: str = Field(max_length=40)
    record_id: str = Field(max_length=64)
    org_path: str = Field(max_length=300)
    permission: str = Field(max_length=100)  # who may view: this permission at org_path
    content_hash: str = Field(max_length=64, index=True)
    phone_hash: Optional[str] = Field(default=None, max_length=64)  # None for documents (PDF)
    media_type: str = Field(max_length=40)
    byte_size: int
    width: Optional[int] = None
    height: Optional[int] = None
    filename: str = Field(default="", max_length=100)  # the uploader's name for it, cleaned
    uploaded_by: str = Field(max_length=100)
    uploaded_at: datetime = Field(default_factory=utcnow)
    removed_at: Optional[datetime] = None
    removed_by: Optional[str] = Field(default=None, max_length=100)
