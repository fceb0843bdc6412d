"""waste_sorting: collection points and their history, versioned checklists, inspections
and their items, rectifications, points rules, wall settings, and the append-only,
hash-chained points ledger (with triggers refusing UPDATE and DELETE of its entries).

Revision ID: waste_sorting_0001
Revises:
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "waste_sorting_0001"
down_revision = None
branch_labels = ("waste_sorting",)
depends_on = "core_0001"

String = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = sqlmodel.sql.sqltypes.UTCDateTime
LEDGER = "waste_sorting_points_entry"
# The columns a ledger entry's meaning lives in. The org path is left out on purpose: the
# core rewrites it when a community moves, and it is not part of the hash either.
LEDGER_FIXED = "seq, household_id, surname, house, points, action, reason, inspection_id, reverses_seq, actor, at, local_day, prev_hash, hash"
REFUSAL = "积分流水只能追加，不能修改或删除"


def _path_index(table, *columns):
    op.create_index(
        f"ix_{table}_org_path", table, ["org_path", *columns], postgresql_ops={"org_path": "text_pattern_ops"}
    )


def _id():
    return sa.Column("id", sa.Integer(), primary_key=True)


def upgrade():
    op.create_table(
        "waste_sorting_point",
        _id(),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("name", String(length=60), nullable=False),
        sa.Column("location", String(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("bin_types", sa.JSON(), nullable=False),
        sa.Column("schedule", String(length=200), nullable=False),
        sa.Column("supervisor", String(length=100), nullable=False),
        sa.Column("status", String(length=10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    _path_index("waste_sorting_point", "status")
    op.create_table(
        "waste_sorting_point_change",
        _id(),
        sa.Column("point_id", sa.Integer(), nullable=False, index=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", String(length=100), nullable=False),
        sa.Column("action", String(length=20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
    )
    op.create_table(
        "waste_sorting_checklist",
        _id(),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("deadline_days", sa.Integer(), nullable=False),
        sa.Column("repeat_fails", sa.Integer(), nullable=False),
        sa.Column("repeat_days", sa.Integer(), nullable=False),
        sa.Column("created_by", String(length=100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("org_path", "version", name="uq_waste_sorting_checklist_version"),
    )
    _path_index("waste_sorting_checklist", "version")
    _inspections()
    _rectifications_and_rules()
    _ledger()


def _inspections():
    op.create_table(
        "waste_sorting_inspection",
        _id(),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("checklist_id", sa.Integer(), nullable=True),
        sa.Column("street_checklist_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("critical_failed", sa.Boolean(), nullable=False),
        sa.Column("note", String(length=500), nullable=False),
        sa.Column("inspector", String(length=100), nullable=False),
        sa.Column("inspected_at", UTCDateTime(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("rectification_id", sa.Integer(), nullable=True),
        sa.Column("client_key", String(length=64), nullable=True),
        sa.UniqueConstraint("client_key", name="uq_waste_sorting_inspection_client_key"),
    )
    _path_index("waste_sorting_inspection", "week_start", "passed")  # covers the trend board
    op.create_index("ix_waste_sorting_inspection_point", "waste_sorting_inspection", ["point_id", "inspected_at"])
    op.create_table(
        "waste_sorting_inspection_item",
        _id(),
        sa.Column("inspection_id", sa.Integer(), nullable=False, index=True),
        sa.Column("item_key", String(length=40), nullable=False),
        sa.Column("title", String(length=100), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_waste_sorting_inspection_item_failed", "waste_sorting_inspection_item", ["passed", "item_key"])


def _rectifications_and_rules():
    op.create_table(
        "waste_sorting_rectification",
        _id(),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False, index=True),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("status", String(length=10), nullable=False),
        sa.Column("assigned_to", String(length=100), nullable=False),
        sa.Column("deadline", UTCDateTime(), nullable=False),
        sa.Column("rechecks", sa.Integer(), nullable=False),
        sa.Column("overdue_at", UTCDateTime(), nullable=True),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by_inspection_id", sa.Integer(), nullable=True),
    )
    _path_index("waste_sorting_rectification", "status", "deadline")
    op.create_table(
        "waste_sorting_points_rule",
        _id(),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("points_per_action", sa.JSON(), nullable=False),
        sa.Column("daily_cap", sa.Integer(), nullable=False),
        sa.Column("updated_by", String(length=100), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("org_path", name="uq_waste_sorting_points_rule_org_path"),
    )
    op.create_table(
        "waste_sorting_wall_setting",
        _id(),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("mask", String(length=10), nullable=False),
        sa.UniqueConstraint("org_path", name="uq_waste_sorting_wall_setting_org_path"),
    )


def _ledger():
    op.create_table(
        LEDGER,
        _id(),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("surname", String(length=4), nullable=False),
        sa.Column("house", String(length=60), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("action", String(length=40), nullable=False),
        sa.Column("reason", String(length=200), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("reverses_seq", sa.Integer(), nullable=True),
        sa.Column("actor", String(length=100), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("prev_hash", String(length=64), nullable=False),
        sa.Column("hash", String(length=64), nullable=False),
        sa.UniqueConstraint("org_path", "seq", name="uq_waste_sorting_points_entry_seq"),
    )
    _path_index(LEDGER, "household_id")
    op.create_table(
        "waste_sorting_points_head",
        _id(),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", String(length=64), nullable=False),
        sa.UniqueConstraint("org_path", name="uq_waste_sorting_points_head_org_path"),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_guards()
    else:
        _sqlite_guards()


def _sqlite_guards():
    op.execute(
        f"CREATE TRIGGER {LEDGER}_no_update BEFORE UPDATE OF {LEDGER_FIXED} ON {LEDGER} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
    )
    op.execute(
        f"CREATE TRIGGER {LEDGER}_no_delete BEFORE DELETE ON {LEDGER} BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
    )


def _postgresql_guards():
    op.execute(
        f"CREATE FUNCTION {LEDGER}_refuse() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {LEDGER}_no_update BEFORE UPDATE OF {LEDGER_FIXED} ON {LEDGER} "
        f"FOR EACH ROW EXECUTE FUNCTION {LEDGER}_refuse()"
    )
    op.execute(
        f"CREATE TRIGGER {LEDGER}_no_delete BEFORE DELETE ON {LEDGER} FOR EACH ROW EXECUTE FUNCTION {LEDGER}_refuse()"
    )
    # TRUNCATE skips row triggers: refuse it too.
    op.execute(f"CREATE TRIGGER {LEDGER}_no_truncate BEFORE TRUNCATE ON {LEDGER} EXECUTE FUNCTION {LEDGER}_refuse()")


def downgrade():
    for table in (
        "waste_sorting_points_head",
        LEDGER,
        "waste_sorting_wall_setting",
        "waste_sorting_points_rule",
        "waste_sorting_rectification",
        "waste_sorting_inspection_item",
        "waste_sorting_inspection",
        "waste_sorting_checklist",
        "waste_sorting_point_change",
        "waste_sorting_point",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {LEDGER}_refuse()")
