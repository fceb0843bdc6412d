"""The durable event bus: outbox, deliveries, processed markers, dead letters.

Revision ID: core_0004
Revises: core_0003
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "core_0004"
down_revision = "core_0003"
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade():
    op.create_table(
        "core_event",
        sa.Column("id", String(length=32), nullable=False),
        sa.Column("type", String(length=100), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("actor", String(length=100), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_core_event_type", "core_event", ["type"])
    op.create_index("ix_core_event_org_path", "core_event", ["org_path"])
    op.create_index("ix_core_event_occurred_at", "core_event", ["occurred_at"])

    op.create_table(
        "core_event_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("handler", String(length=100), nullable=False),
        sa.Column("status", String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", String(length=2000), nullable=True),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("lease_owner", String(length=100), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["core_event.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "handler", name="uq_core_event_delivery_event_handler"),
    )
    op.create_index("ix_core_event_delivery_due", "core_event_delivery", ["status", "next_attempt_at"])

    op.create_table(
        "core_event_processed",
        sa.Column("event_id", String(length=32), nullable=False),
        sa.Column("handler", String(length=100), nullable=False),
        sa.Column("processed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "handler"),
    )

    op.create_table(
        "core_event_dead_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("event_id", String(length=32), nullable=False),
        sa.Column("handler", String(length=100), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", String(length=2000), nullable=False),
        sa.Column("died_at", UTCDateTime(), nullable=False),
        sa.Column("replayed_at", UTCDateTime(), nullable=True),
        sa.Column("replayed_by", String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["core_event_delivery.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_core_event_dead_letter_delivery_id", "core_event_dead_letter", ["delivery_id"])
    op.create_index("ix_core_event_dead_letter_event_id", "core_event_dead_letter", ["event_id"])
    op.create_index("ix_core_event_dead_letter_handler", "core_event_dead_letter", ["handler"])
    op.create_index("ix_core_event_dead_letter_replayed_at", "core_event_dead_letter", ["replayed_at"])


def downgrade():
    op.drop_table("core_event_dead_letter")
    op.drop_table("core_event_processed")
    op.drop_table("core_event_delivery")
    op.drop_table("core_event")
