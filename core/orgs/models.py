"""Org nodes with opaque ids and a materialised path (``c01/s03/m07/g12``)."""
from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from core.timeutil import utcnow

KINDS = ("county", "street", "community", "grid")
KIND_TITLES = {"county": "县/区", "street": "街道/乡镇", "community": "社区/村", "grid": "网格"}
# Node ids are opaque, lower-case and short: safe in Casbin rules and URLs.
NODE_ID_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
PATH_PATTERN = r"^[a-z][a-z0-9_]{0,31}(/[a-z][a-z0-9_]{0,31}){0,7}$"
# First letter of generated ids, so an id hints at its level (m7k2q9 is a community).
KIND_LETTERS = {"county": "c", "street": "s", "community": "m", "grid": "g"}


def parent_kind(kind):
    """The kind a node of ``kind`` must hang under; None for a county (a root)."""
    index = KINDS.index(kind)
    return KINDS[index - 1] if index else None


def child_kind(kind):
    """The kind of a node's children; None for a grid (a leaf)."""
    index = KINDS.index(kind)
    return KINDS[index + 1] if index + 1 < len(KINDS) else None


class OrgNode(SQLModel, table=True):
    __tablename__ = "core_org_node"
    # Queries on this table must carry a data scope (core.permissions.scope).
    __tenant_path_column__ = "path"

    id: str = Field(primary_key=True, max_length=32)
    parent_id: Optional[str] = Field(default=None, foreign_key="core_org_node.id", index=True)
    kind: str = Field(max_length=16)
    name: str = Field(max_length=100)
    path: str = Field(unique=True, index=True, max_length=300)
    depth: int = 0
    created_at: datetime = Field(default_factory=utcnow)
