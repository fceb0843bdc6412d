"""scenario_builder: scenarios, their versions (every one kept) and each version's blocks.

The plugin's own Alembic branch (label ``scenario_builder``), applied by ``gridwork db
upgrade`` — never when the plugin merely loads.

Revision ID: scenario_builder_0001
Revises:
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "scenario_builder_0001"
down_revision = None
branch_labels = ("scenario_builder",)
depends_on = "core_0001"

String = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade():
    op.create_table(
        "scenario_builder_scenario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("title", String(length=60), nullable=False),
        sa.Column("status", String(length=12), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("created_by", String(length=80), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_scenario_builder_scenario_org_path", "scenario_builder_scenario", ["org_path"])
    op.create_table(
        "scenario_builder_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), sa.ForeignKey("scenario_builder_scenario.id"), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("note", String(length=200), nullable=False),
        sa.Column("saved_by", String(length=80), nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scenario_id", "number", name="uq_scenario_builder_version_number"),
    )
    op.create_index("ix_scenario_builder_version_scenario_id", "scenario_builder_version", ["scenario_id"])
    op.create_index("ix_scenario_builder_version_org_path", "scenario_builder_version", ["org_path"])
    op.create_table(
        "scenario_builder_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("scenario_builder_version.id"), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("plugin", String(length=40), nullable=False),
        sa.Column("block", String(length=61), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("settings_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_scenario_builder_block_version_id", "scenario_builder_block", ["version_id"])


def downgrade():
    op.drop_table("scenario_builder_block")
    op.drop_table("scenario_builder_version")
    op.drop_table("scenario_builder_scenario")
