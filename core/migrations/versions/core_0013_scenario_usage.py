"""Usage per scenario: raw opens and actions, distinct users per day and week, rollups.

Revision ID: core_0013
Revises: core_0012
Create Date: 2026-12-08
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "core_0013"
down_revision = "core_0012"
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString


def _keys(first):
    return [
        sa.Column(first, sa.Date(), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("scenario", String(length=64), nullable=False),
    ]


def _figures():
    return [sa.Column(name, sa.Integer(), nullable=False) for name in ("opens", "actions", "users")]


def upgrade():
    op.create_table(
        "core_usage_scenario_count",
        *_keys("day"),
        sa.Column("kind", String(length=16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "org_path", "scenario", "kind"),
    )
    for table, first in (("core_usage_scenario_user_day", "day"), ("core_usage_scenario_user_week", "week")):
        op.create_table(
            table,
            *_keys(first),
            sa.Column("user_id", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint(first, "org_path", "scenario", "user_id"),
        )
    op.create_index(
        "ix_core_usage_scenario_user_day_scenario_day",
        "core_usage_scenario_user_day",
        ["scenario", "day", "org_path", "user_id"],
        unique=False,
    )
    for table, first in (("core_usage_scenario_daily", "day"), ("core_usage_scenario_weekly", "week")):
        op.create_table(table, *_keys(first), *_figures(), sa.PrimaryKeyConstraint(first, "org_path", "scenario"))


TABLES = (
    "core_usage_scenario_weekly",
    "core_usage_scenario_daily",
    "core_usage_scenario_user_week",
    "core_usage_scenario_user_day",
    "core_usage_scenario_count",
)


def downgrade():
    for table in TABLES:
        op.drop_table(table)
