"""Purge permits: what lets a sanctioned purge through a plugin's append-only trigger, only
inside the purge's own transaction.

Revision ID: core_0012
Revises: core_0011
Create Date: 2026-12-08
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "core_0012"
down_revision = "core_0011"
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString


def upgrade():
    op.create_table(
        "core_purge_permit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plugin", String(length=40), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("lifecycle_id", sa.Integer(), sa.ForeignKey("core_lifecycle.id"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("core_purge_permit")
