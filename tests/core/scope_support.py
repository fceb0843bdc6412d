"""A plugin-style table for the scope tests: an org-path column with the index docs/plugins.md
prescribes ("Tables and migrations"), created in the test's own database."""

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, text

ICU_CHINESE = "zh-Hans-CN-x-icu"


def record_table(engine):
    """``fx_scope_record`` (id, org_path, title) with ``ix_fx_scope_record_org_path``, created
    in ``engine``'s database. On PostgreSQL its path column takes the Chinese ICU collation
    when the server has it: what a deployment's database would use, and where a plain
    ``>=``/``<`` range would go wrong (the test database itself is C.UTF-8)."""
    collation = ICU_CHINESE if _has_collation(engine, ICU_CHINESE) else None
    table = Table(
        "fx_scope_record",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("org_path", String(300, collation=collation), nullable=False),
        Column("title", String(100), nullable=False),
        Index("ix_fx_scope_record_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
    )
    table.metadata.create_all(engine)
    return table


def _has_collation(engine, name):
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1 FROM pg_collation WHERE collname = :n"), {"n": name}).first() is not None


def literal_sql(statement, engine):
    """The statement as the database receives it, bounds written in (for EXPLAIN)."""
    return str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
