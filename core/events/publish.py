"""``publish()``: an event is written in the caller's transaction, never on its own.

The rows are collected on the session and written with two multi-row INSERTs just before
the caller commits (``before_commit``), in that same transaction: the event exists if and
only if the business change does. Collecting first keeps a batch of publishes nearly as
cheap as raw inserts of the same rows (bench/event_bus.py).
"""

import json

from sqlalchemy import JSON, TypeDecorator, bindparam, insert
from sqlalchemy import event as sa_event

from core.api.errors import ApiError
from core.api.validation import describe
from core.events.models import PENDING, EventDelivery, EventRecord
from core.events.types import new_event_id
from core.state import state_of
from core.timeutil import utcnow
from core.tree.paths import is_valid_path

OUTBOX = "gridwork.events.outbox"
LISTENING = "gridwork.events.listening"
ACTOR_MAX_LENGTH = 100


class _EncodedJSON(TypeDecorator):
    """A JSON value publish() has already encoded (once, to check it can be): sent as is."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect):
        return None


INSERT_EVENTS = insert(EventRecord.__table__).values(payload=bindparam("encoded_payload", type_=_EncodedJSON()))
INSERT_DELIVERIES = insert(EventDelivery.__table__)
EVENT_KEYS = ("id", "type", "encoded_payload", "org_path", "actor", "occurred_at")
DELIVERY_KEYS = ("event_id", "handler", "status", "attempts", "next_attempt_at")
SQLITE_INSERT_EVENTS = (
    "INSERT INTO core_event (id, type, payload, org_path, actor, occurred_at) VALUES (?, ?, ?, ?, ?, ?)"
)
SQLITE_INSERT_DELIVERIES = (
    "INSERT INTO core_event_delivery (event_id, handler, status, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?)"
)


class _Outbox:
    """Rows published in one transaction and not yet written."""

    def __init__(self, bus, transaction):
        self.bus = bus
        self.transaction = transaction
        self.events = []
        self.deliveries = []
        self.written = False


def publish(session, event_type, payload, *, org_path, actor=""):
    """Publish ``event_type`` with ``payload`` about org node ``org_path``; returns the event id.

    Nothing is committed here: the event commits or rolls back with the caller's
    transaction. Raises ValueError for an undeclared type or a bad org path, and
    ``ApiError(422)`` naming the field for a payload its schema refuses.
    """
    outbox = session.info.get(OUTBOX)
    bus = outbox.bus if outbox is not None else state_of().bus
    validator = bus.validators.get(event_type)
    if validator is None:
        raise ValueError(f"未声明的事件类型：{event_type}")
    if not is_valid_path(org_path):
        raise ValueError(f"事件“{event_type}”的组织路径无效：{org_path!r}")
    _check_payload(event_type, validator, bus.quick_checks[event_type], payload)
    event_id = new_event_id()
    now = utcnow()
    outbox = _outbox_of(session, bus)
    outbox.events.append((event_id, event_type, _encoded(payload), org_path, str(actor)[:ACTOR_MAX_LENGTH], now))
    outbox.deliveries.extend((event_id, name, PENDING, 0, now) for name in bus.subscribers_of(event_type))
    return event_id


def _check_payload(event_type, validator, quick_check, payload):
    if not isinstance(payload, dict):
        raise ApiError(422, f"事件“{event_type}”的数据必须是对象。", pointer="/")
    if quick_check is not None and quick_check(payload):
        return
    errors = sorted(validator.iter_errors(payload), key=lambda error: list(error.absolute_path))
    if not errors:
        return
    described = [describe(error) for error in errors[:20]]
    raise ApiError(
        422,
        f"事件“{event_type}”的数据无效：{described[0]['detail']}",
        pointer=described[0]["pointer"],
        errors=described,
    )


# One encoder, built once: json.dumps() with any option builds a new encoder per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _encoded(payload):
    """Encoded now, so a value JSON cannot hold fails at the publish call, not later inside
    the caller's commit, and a payload changed after publishing does not change the event."""
    return _ENCODER.encode(payload)


def _outbox_of(session, bus):
    outbox = session.info.get(OUTBOX)
    transaction = session.get_transaction()
    if outbox is not None and transaction is not None and outbox.transaction is transaction:
        return outbox
    # Begin the session's transaction now, so the outbox belongs to it and is dropped
    # with it on rollback or close.
    session.connection()
    outbox = session.info[OUTBOX] = _Outbox(bus, session.get_transaction())
    if not session.info.get(LISTENING):
        sa_event.listen(session, "before_commit", _write_outbox)
        sa_event.listen(session, "after_commit", _wake_dispatcher)
        sa_event.listen(session, "after_transaction_end", _drop_outbox)
        session.info[LISTENING] = True
    return outbox


def _write_outbox(session):
    outbox = session.info.get(OUTBOX)
    if outbox is None or not outbox.events:
        return
    events, deliveries = outbox.events, outbox.deliveries
    outbox.events, outbox.deliveries = [], []
    write_rows(session.connection(), events, deliveries)
    outbox.written = True


def write_rows(connection, events, deliveries):
    """Insert the collected rows: events first (deliveries reference them)."""
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(INSERT_EVENTS, [dict(zip(EVENT_KEYS, row)) for row in events])
        if deliveries:
            connection.execute(INSERT_DELIVERIES, [dict(zip(DELIVERY_KEYS, row)) for row in deliveries])
        return
    # SQLite: straight to the driver's executemany, skipping SQLAlchemy's per-row work —
    # the row tuples are complete except for the time, converted by the column's own type
    # once per event (its deliveries are due at the same moment).
    stamp = _stamp_converter(dialect)
    stamps = {row[0]: stamp(row[5]) for row in events}
    connection.exec_driver_sql(SQLITE_INSERT_EVENTS, [(*row[:5], stamps[row[0]]) for row in events])
    if deliveries:
        connection.exec_driver_sql(SQLITE_INSERT_DELIVERIES, [(*row[:4], stamps[row[0]]) for row in deliveries])


def _stamp_converter(dialect):
    converter = _STAMP_CONVERTERS.get(dialect.name)
    if converter is None:
        converter = _STAMP_CONVERTERS[dialect.name] = EventRecord.__table__.c.occurred_at.type.bind_processor(dialect)
    return converter


_STAMP_CONVERTERS = {}


def _wake_dispatcher(session):
    outbox = session.info.get(OUTBOX)
    if outbox is not None and outbox.written:
        outbox.written = False
        outbox.bus.wake()


def _drop_outbox(session, transaction):
    outbox = session.info.get(OUTBOX)
    if outbox is not None and outbox.transaction is transaction:
        session.info.pop(OUTBOX, None)
