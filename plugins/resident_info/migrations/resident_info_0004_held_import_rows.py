"""resident_info: import rows held for a county check, and unfinished imports' files.

A row whose ID number is registered in the county outside the importer's reach is neither
imported nor reported as "already registered" (that would tell a community admin who lives
in other streets); it is held, and someone who reads both places resolves it. An import's
file is kept until the import finishes, so that a scheduler elsewhere can resume it.

Revision ID: resident_info_0004
Revises: resident_info_0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "resident_info_0004"
down_revision = "resident_info_0003"
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade():
    op.add_column("resident_info_import_job", sa.Column("held_rows", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("resident_info_import_problem", sa.Column("other_resident_id", sa.Integer(), nullable=True))
    op.add_column("resident_info_import_problem", sa.Column("resolved_by", String(length=100), nullable=True))
    op.add_column("resident_info_import_problem", sa.Column("resolved_at", UTCDateTime(), nullable=True))
    op.create_index("ix_resident_info_import_problem_kind", "resident_info_import_problem", ["kind"])
    op.create_table(
        "resident_info_import_file",
        sa.Column("job_id", sa.Integer(), sa.ForeignKey("resident_info_import_job.id"), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("job_id"),
    )


def downgrade():
    op.drop_table("resident_info_import_file")
    op.drop_index("ix_resident_info_import_problem_kind", table_name="resident_info_import_problem")
    with op.batch_alter_table("resident_info_import_problem") as batch:
        batch.drop_column("resolved_at")
        batch.drop_column("resolved_by")
        batch.drop_column("other_resident_id")
    with op.batch_alter_table("resident_info_import_job") as batch:
        batch.drop_column("held_rows")
