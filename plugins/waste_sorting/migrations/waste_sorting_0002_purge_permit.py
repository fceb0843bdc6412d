"""waste_sorting: the points ledger lets a DELETE through only under the core's purge permit
(the sanctioned, audited purge of a retired module's subtree, inside its own transaction).
UPDATE and TRUNCATE stay refused, and so does every other DELETE.

Revision ID: waste_sorting_0002
Revises: waste_sorting_0001
"""

from alembic import op

revision = "waste_sorting_0002"
down_revision = "waste_sorting_0001"
branch_labels = None
depends_on = "core_0012"

LEDGER = "waste_sorting_points_entry"
REFUSAL = "积分流水只能追加，不能修改或删除"
# A permit covers its node and everything under it; "/" keeps c01/s1 from covering c01/s10.
PERMITTED = (
    "EXISTS (SELECT 1 FROM core_purge_permit p WHERE p.plugin = 'waste_sorting' "
    "AND (OLD.org_path = p.org_path OR OLD.org_path LIKE p.org_path || '/%'))"
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {LEDGER}_refuse_unpermitted_delete() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN IF {PERMITTED} THEN RETURN OLD; END IF; RAISE EXCEPTION '{REFUSAL}'; END $$"
        )
        op.execute(f"DROP TRIGGER {LEDGER}_no_delete ON {LEDGER}")
        op.execute(
            f"CREATE TRIGGER {LEDGER}_no_delete BEFORE DELETE ON {LEDGER} "
            f"FOR EACH ROW EXECUTE FUNCTION {LEDGER}_refuse_unpermitted_delete()"
        )
    else:
        op.execute(f"DROP TRIGGER {LEDGER}_no_delete")
        op.execute(
            f"CREATE TRIGGER {LEDGER}_no_delete BEFORE DELETE ON {LEDGER} WHEN NOT {PERMITTED} "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {LEDGER}_no_delete ON {LEDGER}")
        op.execute(f"DROP FUNCTION {LEDGER}_refuse_unpermitted_delete()")
        op.execute(
            f"CREATE TRIGGER {LEDGER}_no_delete BEFORE DELETE ON {LEDGER} FOR EACH ROW EXECUTE FUNCTION {LEDGER}_refuse()"
        )
    else:
        op.execute(f"DROP TRIGGER {LEDGER}_no_delete")
        op.execute(
            f"CREATE TRIGGER {LEDGER}_no_delete BEFORE DELETE ON {LEDGER} BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )
