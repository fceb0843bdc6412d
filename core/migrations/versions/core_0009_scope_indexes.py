"""The core's scoped path columns get indexes that serve the scope's byte-wise ranges on PostgreSQL.

A data scope reaches the database as ``column ~>=~ 'p' AND column ~<~ 'p0'`` on PostgreSQL
(``core.tree.ranges``): byte-wise, whatever the database collation. Those operators belong
to ``text_pattern_ops`` only, so the indexes of core_0001/core_0004 (default operator class)
served none of the scoped reads of nodes, users, grants, audit entries and events. Each is
rebuilt under the same name with ``text_pattern_ops`` on its path column: it still serves
equality (the unique node path, Casbin's lookups by domain); only an ``ORDER BY path`` under
a non-C collation no longer reads it in order (the lists sort a scope's rows, not a county's).
SQLite compares text byte-wise already: its indexes stay as they are.

Revision ID: core_0009
Revises: core_0008
Create Date: 2026-12-05
"""

from alembic import op

revision = "core_0009"
down_revision = "core_0008"
branch_labels = None
depends_on = None

# (index, table, columns, path column, unique) — the models carry the same postgresql_ops.
INDEXES = (
    ("ix_core_org_node_path", "core_org_node", ["path"], "path", True),
    ("ix_core_user_org_path", "core_user", ["org_path"], "org_path", False),
    ("ix_core_audit_entry_org_path", "core_audit_entry", ["org_path"], "org_path", False),
    ("ix_core_event_org_path", "core_event", ["org_path"], "org_path", False),
    ("ix_core_casbin_rule_ptype_v2", "core_casbin_rule", ["ptype", "v2"], "v2", False),
)


def upgrade():
    _rebuild(pattern_ops=True)


def downgrade():
    _rebuild(pattern_ops=False)


def _rebuild(pattern_ops):
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, columns, path_column, unique in INDEXES:
        op.drop_index(name, table_name=table)
        ops = {path_column: "text_pattern_ops"} if pattern_ops else {}
        op.create_index(name, table, columns, unique=unique, postgresql_ops=ops)
