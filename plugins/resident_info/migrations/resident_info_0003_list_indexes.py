"""resident_info: the index behind the resident lists (one community of a big county).

``(org_path, name, merged_into_id)``: a list reads one or a few org subtrees — each a range
of ``org_path`` — and checks the name prefix and "not merged" inside the index, so only
matching rows are fetched, and counting them never touches the table (queries.filtered,
core.tree.ranges). On PostgreSQL the text columns use ``text_pattern_ops``: byte-wise order, which
the range operators ``~>=~``/``~<~`` need whatever the database collation; SQLite gets a
plain index (it compares text byte-wise by default).

Revision ID: resident_info_0003
Revises: resident_info_0002
"""

from alembic import op

revision = "resident_info_0003"
down_revision = "resident_info_0002"
branch_labels = None
depends_on = None

INDEX = "ix_resident_info_resident_org_path_name"


def upgrade():
    op.create_index(
        INDEX,
        "resident_info_resident",
        ["org_path", "name", "merged_into_id"],
        postgresql_ops={"org_path": "text_pattern_ops", "name": "text_pattern_ops"},
    )


def downgrade():
    op.drop_index(INDEX, table_name="resident_info_resident")
