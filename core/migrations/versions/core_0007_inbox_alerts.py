"""The inbox (notices, who read them, pending escalations) and alerts.

Revision ID: core_0007
Revises: core_0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "core_0007"
down_revision = "core_0006"
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = sqlmodel.sql.sqltypes.UTCDateTime
# Scopes are byte-wise ranges on PostgreSQL (core/tree/ranges.py): the path indexes compare bytes.
PATTERN = {"org_path": "text_pattern_ops"}


def upgrade():
    _notices()
    _escalations()
    _alerts()


def _notices():
    op.create_table(
        "core_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plugin", String(length=64), nullable=False),
        sa.Column("title", String(length=200), nullable=False),
        sa.Column("link", String(length=500), nullable=False),
        sa.Column("severity", String(length=16), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("to_user_id", sa.Integer(), nullable=True),
        sa.Column("to_package", String(length=64), nullable=True),
        sa.Column("object_type", String(length=64), nullable=False),
        sa.Column("object_id", String(length=64), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("status", String(length=16), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_core_notice_org_path", "core_notice", ["org_path"], postgresql_ops=PATTERN)
    op.create_index("ix_core_notice_to_user_id", "core_notice", ["to_user_id"])
    op.create_index("ix_core_notice_package_node", "core_notice", ["to_package", "org_path"], postgresql_ops=PATTERN)
    op.create_index("ix_core_notice_object", "core_notice", ["plugin", "object_type", "object_id"])
    op.create_table(
        "core_notice_read",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["core_notice.id"]),
        sa.PrimaryKeyConstraint("notice_id", "user_id"),
    )


def _escalations():
    op.create_table(
        "core_escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plugin", String(length=64), nullable=False),
        sa.Column("object_type", String(length=64), nullable=False),
        sa.Column("object_id", String(length=64), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("package", String(length=64), nullable=False),
        sa.Column("fire_at", UTCDateTime(), nullable=False),
        sa.Column("title", String(length=200), nullable=False),
        sa.Column("link", String(length=500), nullable=False),
        sa.Column("severity", String(length=16), nullable=False),
        sa.Column("status", String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("fired_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_core_escalation_due", "core_escalation", ["status", "fire_at"])
    op.create_index("ix_core_escalation_object", "core_escalation", ["plugin", "object_type", "object_id"])


def _alerts():
    op.create_table(
        "core_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", String(length=16), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("message", String(length=500), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("issued_by", String(length=100), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("lifted_at", UTCDateTime(), nullable=True),
        sa.Column("lifted_by", String(length=100), nullable=False),
        sa.Column("lift_reason", String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_core_alert_org_path", "core_alert", ["org_path"], postgresql_ops=PATTERN)
    op.create_index("ix_core_alert_ends_at", "core_alert", ["ends_at"])


def downgrade():
    for table in ("core_alert", "core_escalation", "core_notice_read", "core_notice"):
        op.drop_table(table)
