"""Photos and attachments: one row per file attached to a plugin record at an org node.

Revision ID: core_0008
Revises: core_0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "core_0008"
down_revision = "core_0007"
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade():
    op.create_table(
        "core_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plugin", String(length=40), nullable=False),
        sa.Column("record_type", String(length=40), nullable=False),
        sa.Column("record_id", String(length=64), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("permission", String(length=100), nullable=False),
        sa.Column("content_hash", String(length=64), nullable=False),
        sa.Column("phone_hash", String(length=64), nullable=True),
        sa.Column("media_type", String(length=40), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("filename", String(length=100), nullable=False),
        sa.Column("uploaded_by", String(length=100), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        sa.Column("removed_by", String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_core_attachment_record", "core_attachment", ["plugin", "record_type", "record_id"])
    # byte-wise ranges on PostgreSQL (core/tree/ranges.py)
    op.create_index(
        "ix_core_attachment_org_path", "core_attachment", ["org_path"], postgresql_ops={"org_path": "text_pattern_ops"}
    )
    op.create_index("ix_core_attachment_content_hash", "core_attachment", ["content_hash"])


def downgrade():
    op.drop_index("ix_core_attachment_content_hash", table_name="core_attachment")
    op.drop_index("ix_core_attachment_org_path", table_name="core_attachment")
    op.drop_index("ix_core_attachment_record", table_name="core_attachment")
    op.drop_table("core_attachment")
