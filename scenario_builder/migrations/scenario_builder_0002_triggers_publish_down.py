"""scenario_builder: one row per trigger run (event, scenario, trigger), for idempotency
and for showing failed runs with a retry; and the publish-down columns of a scenario (the
version offered to the nodes below, and for an adopted copy its source and versions).

Revision ID: scenario_builder_0002
Revises: scenario_builder_0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "scenario_builder_0002"
down_revision = "scenario_builder_0001"
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = sqlmodel.sql.sqltypes.UTCDateTime


PUBLISH_DOWN = ("offered_version", "adopted_from", "adopted_version", "declined_version")


def upgrade():
    with op.batch_alter_table("scenario_builder_scenario") as batch:
        for name in PUBLISH_DOWN:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))
    op.create_table(
        "scenario_builder_trigger_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", String(length=32), nullable=False),
        sa.Column("scenario_id", sa.Integer(), sa.ForeignKey("scenario_builder_scenario.id"), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("trigger_index", sa.Integer(), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("plugin", String(length=40), nullable=False),
        sa.Column("block", String(length=61), nullable=False),
        sa.Column("action", String(length=61), nullable=False),
        sa.Column("input", sa.JSON(), nullable=False),
        sa.Column("status", String(length=8), nullable=False),
        sa.Column("error", String(length=300), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("ran_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "scenario_id", "trigger_index", name="uq_scenario_builder_trigger_run"),
    )
    op.create_index("ix_scenario_builder_trigger_run_scenario_id", "scenario_builder_trigger_run", ["scenario_id"])


def downgrade():
    op.drop_table("scenario_builder_trigger_run")
    with op.batch_alter_table("scenario_builder_scenario") as batch:
        for name in PUBLISH_DOWN:
            batch.drop_column(name)
