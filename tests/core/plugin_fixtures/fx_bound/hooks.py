"""Keeps visits at org nodes in one org-bound table (declared in its manifest); the tests
create the table (a real plugin ships an Alembic branch)."""

from sqlalchemy import Column, Integer, MetaData, String, Table

visits = Table(
    "fx_bound_visit",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("org_path", String(300)),
    Column("county_path", String(300)),
    Column("note", String(100)),
)
