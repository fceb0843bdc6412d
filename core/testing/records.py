"""Looking at what a test stored: raw rows, and the events it published.

Every helper takes a *source*: the Flask app (its engine; sees what was committed), an
SQLAlchemy ``Engine``, a ``Connection``, or a ``Session`` (then it reads inside that
session's transaction and also sees what it flushed but did not commit yet).
"""

from contextlib import contextmanager


@contextmanager
def _connection(source):
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.orm import Session

    if isinstance(source, Connection):
        yield source
    elif isinstance(source, Session):
        yield source.connection()
    else:
        from core.db import engine_of

        engine = source if isinstance(source, Engine) else engine_of(source)
        with engine.connect() as connection:
            yield connection


def rows(source, sql, **params):
    """The rows of a raw SQL query (``:name`` placeholders filled from ``params``); each row
    compares equal to a tuple and has its columns as attributes.

    Raw SQL gives JSON columns as text on SQLite and as decoded values on PostgreSQL; use
    ``published_events`` for events, or decode with ``json_value``."""
    from sqlalchemy import text

    with _connection(source) as connection:
        return connection.execute(text(sql), params).all()


def json_value(value):
    """A JSON column's value read through raw SQL, the same on both databases: SQLite gives
    the JSON text, PostgreSQL the decoded value."""
    import json

    return json.loads(value) if isinstance(value, (str, bytes)) else value


def published_events(source, event_type=None):
    """The events in the outbox (``core_event``), oldest first, each as a dict
    ``{"id", "type", "payload", "org_path", "actor", "occurred_at"}`` — ``payload`` a dict on
    SQLite and PostgreSQL alike, ``occurred_at`` an aware datetime. Only events of
    ``event_type`` when given (e.g. ``"resident_info.resident_registered"``).

    ``publish()`` writes its rows just before the transaction commits: read from a session
    after ``commit()``, or from the app once the request or ``session_scope`` is done."""
    from sqlalchemy import select

    from core.events.models import EventRecord

    table = EventRecord.__table__
    statement = select(
        table.c.id, table.c.type, table.c.payload, table.c.org_path, table.c.actor, table.c.occurred_at
    ).order_by(table.c.occurred_at, table.c.id)
    if event_type is not None:
        statement = statement.where(table.c.type == event_type)
    with _connection(source) as connection:
        found = connection.execute(statement).mappings().all()
    return [{**event, "payload": json_value(event["payload"])} for event in found]


def assert_published(source, event_type, /, **payload_subset):
    """The one event of ``event_type`` whose payload holds ``payload_subset`` (key by key,
    equal values); fails naming the events of that type that were published otherwise.
    Returns the event (see ``published_events``), to check its ``org_path`` or ``actor``::

        event = assert_published(app, "street_notes.record_added", title="井盖已更换")
        assert event["org_path"] == "c1/s1/m1"
    """
    events = published_events(source, event_type)
    matching = [event for event in events if _holds(event["payload"], payload_subset)]
    if len(matching) == 1:
        return matching[0]
    seen = "\n".join(f"  {event['payload']!r} at {event['org_path']}" for event in events) or "  (none)"
    wanted = f"{event_type} with {payload_subset!r}" if payload_subset else event_type
    count = "no event" if not matching else f"{len(matching)} events"
    raise AssertionError(f"expected one {wanted}, found {count}; published {event_type}:\n{seen}")


def _holds(payload, subset):
    return isinstance(payload, dict) and all(key in payload and payload[key] == value for key, value in subset.items())
