"""Insert-or-add and insert-if-missing for SQLite and PostgreSQL (both speak ON CONFLICT)."""

from sqlalchemy.dialects import postgresql, sqlite


def _insert(session, table):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def add_counts(session, table, rows, *counters):
    """Insert ``rows``; where the primary key exists, add their ``counters`` to it."""
    if not rows:
        return
    statement = _insert(session, table)
    keys = [column.name for column in table.primary_key.columns]
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={name: table.c[name] + statement.excluded[name] for name in counters}
    )
    session.execute(statement, rows)


def insert_missing(session, table, rows):
    """Insert ``rows``, skipping those whose primary key exists."""
    if rows:
        session.execute(_insert(session, table).on_conflict_do_nothing(), rows)
