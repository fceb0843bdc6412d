"""Per-node plugin settings.

Revision ID: core_0003
Revises: core_0002
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "core_0003"
down_revision = "core_0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "core_plugin_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plugin", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("org_path", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plugin", "org_path", name="uq_core_plugin_setting_plugin_path"),
        sa.CheckConstraint("state IN ('enabled', 'disabled', 'forbidden')", name="ck_core_plugin_setting_state"),
    )
    op.create_index("ix_core_plugin_setting_plugin", "core_plugin_setting", ["plugin"])


def downgrade():
    op.drop_index("ix_core_plugin_setting_plugin", table_name="core_plugin_setting")
    op.drop_table("core_plugin_setting")
