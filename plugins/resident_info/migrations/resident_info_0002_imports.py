"""resident_info: import jobs and their row-by-row reports.

Revision ID: resident_info_0002
Revises: resident_info_0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "resident_info_0002"
down_revision = "resident_info_0001"
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade():
    op.create_table(
        "resident_info_import_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_path", String(length=300), nullable=False),
        sa.Column("created_by", String(length=100), nullable=False),
        sa.Column("filename", String(length=200), nullable=False),
        sa.Column("file_sha256", String(length=64), nullable=False),
        sa.Column("mode", String(length=16), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("status", String(length=16), nullable=False),
        sa.Column("phase", String(length=16), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("processed_rows", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("already_registered", sa.Integer(), nullable=False),
        sa.Column("bad_rows", sa.Integer(), nullable=False),
        sa.Column("message", String(length=500), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_resident_info_import_job_org_path", "resident_info_import_job", ["org_path"])
    op.create_table(
        "resident_info_import_problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), sa.ForeignKey("resident_info_import_job.id"), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("column", String(length=100), nullable=False),
        sa.Column("field", String(length=50), nullable=False),
        sa.Column("reason", String(length=300), nullable=False),
        sa.Column("kind", String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_resident_info_import_problem_job_id", "resident_info_import_problem", ["job_id"])


def downgrade():
    op.drop_table("resident_info_import_problem")
    op.drop_table("resident_info_import_job")
