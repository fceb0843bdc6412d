"""User names unique regardless of case, in the database itself.

The account service already refuses "Admin" beside "admin", but two parallel creations could
both pass that check (20 in parallel made 13 accounts). A unique index on lower(username)
lets exactly one win; the service answers the others 409.

Revision ID: core_0005
Revises: core_0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0005"
down_revision = "core_0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("core_user_username_lower", "core_user", [sa.text("lower(username)")], unique=True)


def downgrade():
    op.drop_index("core_user_username_lower", table_name="core_user")
