"""Usage metering (raw counts, distinct users per day and week, rollups, form fields, the
spool's offsets), ratings and problem reports (好差评), per-county settings, slimming snapshots.

Revision ID: core_0010
Revises: core_0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "core_0010"
down_revision = "core_0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "core_usage_count",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("org_path", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("plugin", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=130), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "org_path", "plugin", "action"),
    )
    op.create_table(
        "core_usage_county_settings",
        sa.Column("county_path", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("reply_days", sa.Integer(), nullable=False),
        sa.Column("resolve_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("county_path"),
    )
    op.create_table(
        "core_usage_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("org_path", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("plugin", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("actions", sa.Integer(), nullable=False),
        sa.Column("users", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "org_path", "plugin"),
    )
    op.create_index("ix_core_usage_daily_plugin_day", "core_usage_daily", ["plugin", "day", "org_path"], unique=False)
    op.create_table(
        "core_usage_form_field",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("org_path", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("plugin", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("form", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("shown", sa.Integer(), nullable=False),
        sa.Column("filled", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "org_path", "plugin", "form", "field"),
    )
    op.create_table(
        "core_usage_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("plugin", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("org_path", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=True),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("followup", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reply", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("replied_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("replied_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("resolved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("reply_due", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("resolve_due", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("second_stars", sa.Integer(), nullable=True),
        sa.Column("second_comment", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_core_usage_rating_org_path",
        "core_usage_rating",
        ["org_path"],
        unique=False,
        postgresql_ops={"org_path": "text_pattern_ops"},
    )
    op.create_index("ix_core_usage_rating_plugin_month", "core_usage_rating", ["plugin", "month"], unique=False)
    op.create_index(op.f("ix_core_usage_rating_user_id"), "core_usage_rating", ["user_id"], unique=False)
    op.create_table(
        "core_usage_slimming_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_path", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("computed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_path", "period_start", name="uq_core_usage_snapshot"),
    )
    op.create_table(
        "core_usage_spool_offset",
        sa.Column("file", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("file"),
    )
    op.create_table(
        "core_usage_user_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("org_path", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("plugin", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "org_path", "plugin", "user_id"),
    )
    op.create_index(
        "ix_core_usage_user_day_plugin_day",
        "core_usage_user_day",
        ["plugin", "day", "org_path", "user_id"],
        unique=False,
    )
    op.create_table(
        "core_usage_user_week",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("org_path", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("plugin", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("week", "org_path", "plugin", "user_id"),
    )
    op.create_index(
        "ix_core_usage_user_week_plugin_week",
        "core_usage_user_week",
        ["plugin", "week", "org_path", "user_id"],
        unique=False,
    )
    op.create_table(
        "core_usage_weekly",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("org_path", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("plugin", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("actions", sa.Integer(), nullable=False),
        sa.Column("users", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("week", "org_path", "plugin"),
    )
    op.create_index(
        "ix_core_usage_weekly_plugin_week", "core_usage_weekly", ["plugin", "week", "org_path"], unique=False
    )


TABLES = (
    "core_usage_weekly",
    "core_usage_user_week",
    "core_usage_user_day",
    "core_usage_spool_offset",
    "core_usage_slimming_snapshot",
    "core_usage_rating",
    "core_usage_form_field",
    "core_usage_daily",
    "core_usage_county_settings",
    "core_usage_count",
)


def downgrade():
    for table in TABLES:
        op.drop_table(table)
