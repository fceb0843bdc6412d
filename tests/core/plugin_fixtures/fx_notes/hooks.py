"""Owns one table; the tests create it (a real plugin ships an Alembic branch)."""

from sqlalchemy import Column, Integer, MetaData, String, Table

notes = Table(
    "fx_notes_note",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("org_path", String(300)),
    Column("text", String(200)),
)
