"""The org tree's one table: nodes with opaque ids and a materialised path (``c01/s03/m07/g12``)."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.timeutil import utcnow


class OrgNode(SQLModel, table=True):
    __tablename__ = "core_org_node"
    # Queries on this table must carry a data scope (core.tree.scope).
    __tenant_path_column__ = "path"
    # text_pattern_ops: the index the scope's byte-wise ranges use on PostgreSQL (core_0009).
    __table_args__ = (Index("ix_core_org_node_path", "path", unique=True, postgresql_ops={"path": "text_pattern_ops"}),)

    id: str = Field(primary_key=True, max_length=32)
    parent_id: Optional[str] = Field(default=None, foreign_key="core_org_node.id", index=True)
    kind: str = Field(max_length=16)
    name: str = Field(max_length=100)
    path: str = Field(max_length=300)
    depth: int = 0
    created_at: datetime = Field(default_factory=utcnow)
