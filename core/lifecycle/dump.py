"""A plugin's rows for a subtree: its org-bound tables at or under the node, and the rows of its
other tables that hang off those by a foreign key (a resident's tags) or by the key their
manifest entry names in ``follows`` (a resident's history, which keeps no foreign key) — what an
export writes and a purge removes. A declared table with none of these (a lookup table) belongs
to no subtree and is left alone."""

from sqlalchemy import MetaData, Table, inspect, select
from sqlmodel import SQLModel

from core.db import system_query
from core.tree.bound import at_or_under

REASON = "lifecycle export/purge of a subtree the caller may retire"


def table_named(db, name):
    """The SQLAlchemy table ``name``: a model's, or read from the database (a plugin may
    declare a plain ``Table`` of its own metadata); None when it does not exist."""
    table = SQLModel.metadata.tables.get(name)
    if table is not None:
        return table
    connection = db.connection()
    if not inspect(connection).has_table(name):
        return None
    return Table(name, MetaData(), autoload_with=connection)


def bound_tables_of(db, tables, plugin):
    """The org-bound tables holding ``plugin``'s rows (a shared core table counts when it has an
    owner column), as (OrgBoundTable, SQLAlchemy Table)."""
    found = []
    for bound in tables:
        if bound.plugin == plugin or bound.owner_column:
            table = table_named(db, bound.name)
            if table is not None:
                found.append((bound, table))
    return found


def subtree_rows(db, tables, plugin, declared, path):
    """{table name: [row dict, …]} of ``plugin``'s data at or under ``path``, parents before
    children (the order an import would need). ``declared``: the manifest's ``tables`` entries."""
    rows = {}
    for bound, table in bound_tables_of(db, tables, plugin):
        where = at_or_under(table.c[bound.path_column], path)
        if bound.owner_column:
            where = where & (table.c[bound.owner_column] == plugin)
        rows[table.name] = _read(db, select(table).where(where).order_by(*table.primary_key.columns))
    for child, key, parent in _children(db, declared, rows):
        ids = [row[parent.name] for row in rows[parent.table.name]]
        found = _read(db, select(child).where(key.in_(ids)).order_by(*child.primary_key.columns)) if ids else []
        rows.setdefault(child.name, []).extend(found)
    return rows


def _children(db, declared, rows):
    """(child table, its key column, the parent column it references) for each declared table
    that points into a table already collected — repeated until nothing new is found."""
    seen, order = set(rows), []
    changed = True
    while changed:
        changed = False
        for entry in declared:
            table = None if entry["name"] in seen else table_named(db, entry["name"])
            link = _link(db, table, entry, seen) if table is not None else None
            if link is not None:
                order.append((table, *link))
                seen.add(entry["name"])
                changed = True
    return order


def _link(db, table, entry, seen):
    """(key column, parent column) by which ``table`` hangs off a collected table, or None."""
    follows = entry.get("follows")
    if follows and follows["table"] in seen:
        parent = table_named(db, follows["table"])
        return table.c[follows["column"]], next(iter(parent.primary_key.columns))
    for key in table.foreign_keys:
        if key.column.table.name in seen:
            return key.parent, key.column
    return None


def _read(db, statement):
    return [dict(row._mapping) for row in db.exec(system_query(statement, REASON)).all()]


def full_dump(db, table_names):
    """{table: [row dict, …]} of every row of each table, by primary key — for comparing a
    plugin's data before and after a retirement (tests)."""
    dump = {}
    for name in table_names:
        table = table_named(db, name)
        dump[name] = _read(db, select(table).order_by(*table.primary_key.columns))
    return dump
