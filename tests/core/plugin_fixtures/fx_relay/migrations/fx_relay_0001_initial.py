"""fx_relay: the effects table, deliberately without a unique key on event_id.

Revision ID: fx_relay_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "fx_relay_0001"
down_revision = None
branch_labels = ("fx_relay",)
depends_on = "core_0001"


def upgrade():
    op.create_table(
        "fx_relay_effect",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(32), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("fx_relay_effect")
