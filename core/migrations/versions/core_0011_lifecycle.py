"""Module retirement: lifecycle rows per plugin and node, and the exports kept before retiring.

Revision ID: core_0011
Revises: core_0010
Create Date: 2026-12-07
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "core_0011"
down_revision = "core_0010"
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade():
    op.create_table(
        "core_lifecycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plugin", String(length=40), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("state", String(length=16), nullable=False),
        sa.Column("notice", String(length=500), nullable=False),
        sa.Column("freeze_on", UTCDateTime(), nullable=True),
        sa.Column("retire_on", UTCDateTime(), nullable=True),
        sa.Column("flagged_at", UTCDateTime(), nullable=False),
        sa.Column("frozen_at", UTCDateTime(), nullable=True),
        sa.Column("retired_at", UTCDateTime(), nullable=True),
        sa.Column("restored_at", UTCDateTime(), nullable=True),
        sa.Column("purged_at", UTCDateTime(), nullable=True),
        sa.Column("started_by", String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_core_lifecycle_plugin_path",
        "core_lifecycle",
        ["plugin", "org_path"],
        postgresql_ops={"org_path": "text_pattern_ops"},
    )
    op.create_table(
        "core_lifecycle_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lifecycle_id", sa.Integer(), sa.ForeignKey("core_lifecycle.id"), nullable=False),
        sa.Column("plugin", String(length=40), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("plugin_version", String(length=40), nullable=False),
        sa.Column("json_file", String(length=500), nullable=False),
        sa.Column("xlsx_file", String(length=500), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_core_lifecycle_export_lifecycle_id", "core_lifecycle_export", ["lifecycle_id"])


def downgrade():
    op.drop_index("ix_core_lifecycle_export_lifecycle_id", table_name="core_lifecycle_export")
    op.drop_table("core_lifecycle_export")
    op.drop_index("ix_core_lifecycle_plugin_path", table_name="core_lifecycle")
    op.drop_table("core_lifecycle")
