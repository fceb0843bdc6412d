"""Scoped queries are served by the path column's index on SQLite and PostgreSQL: a plugin
table with the index docs/plugins.md prescribes, queried through ``scoped`` with a community
scope and a scope with a hole, and the core's own scoped tables (migration core_0009)."""

import re

import pytest
from scope_support import literal_sql, record_table
from sqlalchemy import func, inspect, select, text

from core.db import engine_of
from core.models import AuditEntry, CasbinRule, EventRecord, OrgNode, User
from core.public import DataScope, scoped

ROWS = 40_000  # 2,000 grids of 20 rows: a community is 0.5 % of the table
COMMUNITY = DataScope(("c1/s1/m25",))
COMMUNITY_WITH_HOLE = DataScope(("c1/s1/m25",), (("c1/s1/m25/g251",),))
INDEX = "ix_fx_scope_record_org_path"
# 10 streets × 20 communities × 10 grids; ids like m2/m25/m250 sit next to each other.
SEED_PATH = "'c1/s' || (i % 2000 / 200) || '/m' || (i % 2000 / 10) || '/g' || (i % 2000)"


@pytest.fixture
def county(app):
    engine = engine_of(app)
    table = record_table(engine)
    numbers = (
        "generate_series(0, :rows - 1) AS i"
        if engine.dialect.name == "postgresql"
        else "(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :rows - 1) SELECT i FROM n)"
    )
    with engine.begin() as conn:
        conn.execute(
            text(f"INSERT INTO fx_scope_record (org_path, title) SELECT {SEED_PATH}, 'r' || i FROM {numbers}"),
            {"rows": ROWS},
        )
        conn.execute(text("ANALYZE"))  # statistics as a live database has them: the planner chooses freely
    return engine, table


def plan(engine, statement, seqscan=True):
    """The query plan's lines (SQLite: EXPLAIN QUERY PLAN details; PostgreSQL: EXPLAIN)."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if not seqscan and not sqlite:
            conn.execute(text("SET enable_seqscan = off"))
        prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
        rows = conn.execute(text(prefix + literal_sql(statement, engine))).all()
        conn.rollback()
    return [row[-1] for row in rows] if sqlite else [row[0] for row in rows]


def assert_served_by(engine, lines, index, table):
    """The scope's range is a condition of ``index`` — it bounds the index scan rather than
    filtering rows read some other way."""
    text_plan = "\n".join(lines)
    if engine.dialect.name == "sqlite":
        assert re.search(rf"USING (COVERING )?INDEX {index} \([^)]*>\? AND [^)]*<\?\)", text_plan), text_plan
        assert f"SCAN {table}" not in text_plan, text_plan
    else:
        assert re.search(rf"(Index Scan|Index Only Scan) (on|using) {index}\b", text_plan), text_plan
        assert any("Index Cond" in line and "~>=~" in line and "~<~" in line for line in lines), text_plan
        assert "Seq Scan" not in text_plan, text_plan


@pytest.mark.parametrize("scope", [COMMUNITY, COMMUNITY_WITH_HOLE], ids=["community", "community_minus_a_grid"])
def test_a_communitys_rows_of_a_plugin_table_are_read_through_its_index(county, scope):
    engine, table = county
    rows = scoped(select(table), scope, table.c.org_path)

    assert_served_by(engine, plan(engine, rows), INDEX, table.name)


@pytest.mark.parametrize("scope", [COMMUNITY, COMMUNITY_WITH_HOLE], ids=["community", "community_minus_a_grid"])
def test_a_communitys_first_page_by_title_is_read_through_the_index_then_sorted(county, scope):
    """Ordered by the primary key instead, PostgreSQL may rightly walk the primary key and
    stop at the 50th match when a community's rows are spread evenly over the ids, as here:
    a choice of the planner between two usable indexes, not a scope it cannot serve."""
    engine, table = county
    page = scoped(select(table).order_by(table.c.title, table.c.id).limit(50), scope, table.c.org_path)

    assert_served_by(engine, plan(engine, page), INDEX, table.name)
    with engine.connect() as conn:
        rows = conn.execute(page).all()
    assert len(rows) == 50 and all(scope.covers(row.org_path) for row in rows)


def test_counting_a_scope_with_a_hole_is_served_by_the_index(county):
    engine, table = county
    count = scoped(select(func.count()).select_from(table), COMMUNITY_WITH_HOLE, table.c.org_path)

    lines = plan(engine, count)
    assert_served_by(engine, lines, INDEX, table.name)
    if engine.dialect.name == "sqlite":  # PostgreSQL's choice depends on its visibility map
        assert f"USING COVERING INDEX {INDEX}" in "\n".join(lines)  # the table itself is not read
    with engine.connect() as conn:
        assert conn.execute(count).scalar_one() == 200 - 20


# (model, path column, its index, other conditions of the core's own scoped reads)
CORE_SCOPED = [
    (OrgNode, OrgNode.path, "ix_core_org_node_path", ()),
    (User, User.org_path, "ix_core_user_org_path", ()),
    (AuditEntry, AuditEntry.org_path, "ix_core_audit_entry_org_path", ()),
    (EventRecord, EventRecord.org_path, "ix_core_event_org_path", ()),
    (CasbinRule, CasbinRule.v2, "ix_core_casbin_rule_ptype_v2", (CasbinRule.ptype == "g",)),
]


@pytest.mark.parametrize("model, column, index, criteria", CORE_SCOPED, ids=[c[2] for c in CORE_SCOPED])
def test_the_cores_scoped_tables_have_an_index_that_can_serve_the_scope(app, model, column, index, criteria):
    """A fresh database holds a handful of these rows, where a sequential scan is rightly
    cheaper; with it switched off PostgreSQL still picks a sequential scan when no index can
    serve the clause (the default operator class cannot serve ``~>=~``), so the plan shows
    whether the index is usable at all. SQLite's planner takes a two-sided range on an
    indexed column without being told. Grants get rows of their own: on an empty table the
    partial unique index of grants (core_0002) costs the same as any other."""
    engine = engine_of(app)
    if model is CasbinRule:
        seed_grants(engine)
    statement = scoped(select(model).where(*criteria), COMMUNITY_WITH_HOLE, column)

    assert_served_by(engine, plan(engine, statement, seqscan=False), index, model.__tablename__)


def seed_grants(engine, count=2000):
    paths = [f"c1/s{n % 200 // 20}/m{n % 200}" for n in range(count)]
    rows = [{"v0": f"u:{n}", "v1": "pkg:community_admin", "v2": path} for n, path in enumerate(paths)]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO core_casbin_rule (ptype, v0, v1, v2) VALUES ('g', :v0, :v1, :v2)"), rows)
        conn.execute(text("ANALYZE"))


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection")  # core_user's lower(username)
@pytest.mark.parametrize("model, column, index, criteria", CORE_SCOPED, ids=[c[2] for c in CORE_SCOPED])
def test_the_migrated_index_is_the_models_one(app, model, column, index, criteria):
    engine = engine_of(app)
    declared = next(i for i in model.__table__.indexes if i.name == index)
    migrated = next(i for i in inspect(engine).get_indexes(model.__tablename__) if i["name"] == index)

    assert migrated["column_names"] == [c.name for c in declared.columns]
    assert bool(migrated["unique"]) == bool(declared.unique)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            definition = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"), {"n": index}
            ).scalar()
        assert declared.dialect_options["postgresql"]["ops"] == {column.name: "text_pattern_ops"}
        assert f"{column.name} text_pattern_ops" in definition, definition
