"""Declares an org path column its table does not have."""

from sqlalchemy import Column, Integer, MetaData, String, Table

entries = Table("fx_bad_bound_entry", MetaData(), Column("id", Integer, primary_key=True), Column("node", String(300)))
