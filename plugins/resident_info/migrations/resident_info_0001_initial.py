"""resident_info: residents, their tag index, households, change history, county fields.

The plugin's own Alembic branch (label ``resident_info``), applied by ``gridwork db
upgrade`` after the core's first revision — never when the plugin merely loads.

Revision ID: resident_info_0001
Revises:
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "resident_info_0001"
down_revision = None
branch_labels = ("resident_info",)
depends_on = "core_0001"

String = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade():
    op.create_table(
        "resident_info_household",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("county_path", String(length=300), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("head_resident_id", sa.Integer(), nullable=True),
        sa.Column("building", String(length=20), nullable=True),
        sa.Column("unit", String(length=20), nullable=True),
        sa.Column("room", String(length=20), nullable=True),
        sa.Column("address", String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_resident_info_household_org_path", "resident_info_household", ["org_path"])

    op.create_table(
        "resident_info_resident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("county_path", String(length=300), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("name", String(length=50), nullable=False),
        sa.Column("gender", String(length=8), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("id_number", String(length=18), nullable=True),
        sa.Column("id_last4", String(length=4), nullable=True),
        sa.Column("phone", String(length=32), nullable=True),
        sa.Column("building", String(length=20), nullable=True),
        sa.Column("unit", String(length=20), nullable=True),
        sa.Column("room", String(length=20), nullable=True),
        sa.Column("household_id", sa.Integer(), sa.ForeignKey("resident_info_household.id"), nullable=True),
        sa.Column("relation_to_head", String(length=16), nullable=True),
        sa.Column("registration", String(length=16), nullable=False),
        sa.Column("status", String(length=16), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("notes", String(length=1000), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        # One person, one record per county (several records without an ID number are fine:
        # NULLs never collide).
        sa.UniqueConstraint("county_path", "id_number", name="uq_resident_info_resident_county_id_number"),
    )
    op.create_index("ix_resident_info_resident_org_path", "resident_info_resident", ["org_path"])
    op.create_index("ix_resident_info_resident_id_last4", "resident_info_resident", ["id_last4"])
    op.create_index("ix_resident_info_resident_household_id", "resident_info_resident", ["household_id"])
    op.create_index("ix_resident_info_resident_merged_into_id", "resident_info_resident", ["merged_into_id"])
    op.create_index("ix_resident_info_resident_updated_at", "resident_info_resident", ["updated_at"])
    op.create_index(
        "ix_resident_info_resident_near_duplicate",
        "resident_info_resident",
        ["county_path", "name", "birth_date", "building"],
    )

    op.create_table(
        "resident_info_resident_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), sa.ForeignKey("resident_info_resident.id"), nullable=False),
        sa.Column("tag", String(length=50), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("sensitive", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_resident_info_resident_tag_resident_id", "resident_info_resident_tag", ["resident_id"])
    op.create_index("ix_resident_info_resident_tag_tag", "resident_info_resident_tag", ["tag", "resident_id"])

    op.create_table(
        "resident_info_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", String(length=100), nullable=False),
        sa.Column("action", String(length=32), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_resident_info_history_resident_id", "resident_info_history", ["resident_id"])

    op.create_table(
        "resident_info_county_fields",
        sa.Column("county_path", String(length=300), nullable=False),
        sa.Column("extra_schema", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("county_path"),
    )


def downgrade():
    op.drop_table("resident_info_county_fields")
    op.drop_index("ix_resident_info_history_resident_id", table_name="resident_info_history")
    op.drop_table("resident_info_history")
    op.drop_index("ix_resident_info_resident_tag_tag", table_name="resident_info_resident_tag")
    op.drop_index("ix_resident_info_resident_tag_resident_id", table_name="resident_info_resident_tag")
    op.drop_table("resident_info_resident_tag")
    for index in ("near_duplicate", "updated_at", "merged_into_id", "household_id", "id_last4", "org_path"):
        op.drop_index(f"ix_resident_info_resident_{index}", table_name="resident_info_resident")
    op.drop_table("resident_info_resident")
    op.drop_index("ix_resident_info_household_org_path", table_name="resident_info_household")
    op.drop_table("resident_info_household")
