"""One row per grant: two concurrent identical grants must not both be stored, or revoking
one would leave the other in force.

Revision ID: core_0002
Revises: core_0001
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa

revision = "core_0002"
down_revision = "core_0001"
branch_labels = None
depends_on = None


def upgrade():
    # Partial: only grant (g) rows; p rows of other models may legitimately share v0..v2.
    op.create_index(
        "uq_core_casbin_rule_grant",
        "core_casbin_rule",
        ["ptype", "v0", "v1", "v2"],
        unique=True,
        sqlite_where=sa.text("ptype = 'g'"),
        postgresql_where=sa.text("ptype = 'g'"),
    )


def downgrade():
    op.drop_index("uq_core_casbin_rule_grant", table_name="core_casbin_rule")
