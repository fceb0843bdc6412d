"""special_visits: target groups, roster entries, visits, alert runs.

Revision ID: special_visits_0001
Revises:
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "special_visits_0001"
down_revision = None
branch_labels = ("special_visits",)
depends_on = "core_0001"

String = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = sqlmodel.sql.sqltypes.UTCDateTime
PATH_OPS = {"org_path": "text_pattern_ops"}


def upgrade():
    op.create_table(
        "special_visits_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("name", String(length=50), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("frequency", String(length=16), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("alert_kinds", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("seed_key", String(length=40), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_path", "seed_key", name="uq_special_visits_group_seed"),
    )
    op.create_index("ix_special_visits_group_org_path", "special_visits_group", ["org_path"], postgresql_ops=PATH_OPS)
    op.create_table(
        "special_visits_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("special_visits_group.id"), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("resident_name", String(length=50), nullable=False),
        sa.Column("address", String(length=100), nullable=False),
        sa.Column("status", String(length=8), nullable=False),
        sa.Column("status_reason", String(length=16), nullable=False),
        sa.Column("status_changed_at", UTCDateTime(), nullable=True),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("assigned_to", String(length=64), nullable=True),
        sa.Column("assigned_override", sa.Boolean(), nullable=False),
        sa.Column("last_visit_at", UTCDateTime(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("overdue_for", sa.Date(), nullable=True),
        sa.Column("escalation_at", UTCDateTime(), nullable=True),
        sa.Column("escalated_at", UTCDateTime(), nullable=True),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("alert_name", String(length=120), nullable=False),
        sa.Column("alert_due_at", UTCDateTime(), nullable=True),
        sa.Column("alert_visited_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("group_id", "resident_id", name="uq_special_visits_entry_group_resident"),
    )
    op.create_index(
        "ix_special_visits_entry_org_path_status_due_date",
        "special_visits_entry",
        ["org_path", "status", "due_date"],
        postgresql_ops=PATH_OPS,
    )
    op.create_index("ix_special_visits_entry_assignee", "special_visits_entry", ["assigned_to", "status", "due_date"])
    op.create_index("ix_special_visits_entry_resident", "special_visits_entry", ["resident_id"])
    op.create_index("ix_special_visits_entry_alert", "special_visits_entry", ["alert_id"])
    op.create_table(
        "special_visits_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("special_visits_entry.id"), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("visited_at", UTCDateTime(), nullable=False),
        sa.Column("visitor", String(length=64), nullable=False),
        sa.Column("form", String(length=8), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("note", String(length=200), nullable=False),
        sa.Column("follow_up", sa.Boolean(), nullable=False),
        sa.Column("follow_up_note", String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("client_key", String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_key", name="uq_special_visits_visit_client_key"),
    )
    op.create_index(
        "ix_special_visits_visit_org_path_visited_at",
        "special_visits_visit",
        ["org_path", "visited_at"],
        postgresql_ops=PATH_OPS,
    )
    op.create_index("ix_special_visits_visit_entry", "special_visits_visit", ["entry_id", "visited_at"])
    op.create_table(
        "special_visits_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("kind", String(length=16), nullable=False),
        sa.Column("name", String(length=120), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("lifted_at", UTCDateTime(), nullable=True),
        sa.Column("due_count", sa.Integer(), nullable=False),
        sa.Column("visited_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alert_id", name="uq_special_visits_alert"),
    )
    op.create_index("ix_special_visits_alert_org_path", "special_visits_alert", ["org_path"], postgresql_ops=PATH_OPS)


def downgrade():
    for table in ("special_visits_alert", "special_visits_visit", "special_visits_entry", "special_visits_group"):
        op.drop_table(table)
