"""resident_info: an import report's rows name the person (the import's own data, shown to
the importer so that a row can be found and fixed without counting lines); never an ID
number or a phone.

Revision ID: resident_info_0005
Revises: resident_info_0004
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "resident_info_0005"
down_revision = "resident_info_0004"
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString


def upgrade():
    op.add_column(
        "resident_info_import_problem",
        sa.Column("person_name", String(length=50), nullable=False, server_default=""),
    )


def downgrade():
    op.drop_column("resident_info_import_problem", "person_name")
