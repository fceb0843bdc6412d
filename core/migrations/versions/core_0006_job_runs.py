"""Scheduled jobs: one row per (job, period), the unique index deciding which process runs it.

Revision ID: core_0006
Revises: core_0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "core_0006"
down_revision = "core_0005"
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade():
    op.create_table(
        "core_job_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", String(length=100), nullable=False),
        sa.Column("period", UTCDateTime(), nullable=False),
        sa.Column("status", String(length=16), nullable=False),
        sa.Column("owner", String(length=100), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("next_try_at", UTCDateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("job", "period", name="uq_core_job_run_job_period"),
    )
    op.create_index("ix_core_job_run_job", "core_job_run", ["job"])


def downgrade():
    op.drop_index("ix_core_job_run_job", table_name="core_job_run")
    op.drop_table("core_job_run")
