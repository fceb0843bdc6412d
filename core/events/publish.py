"""``publish()``: an event is written in the caller's transaction, never on its own.

The rows are collected on the session and written with two multi-row INSERTs just before
the caller commits (``before_commit``), in that same transaction: the event exists if and
only if the business change does. Collecting first keeps a batch of publishes nearly as
cheap as raw inserts of the same rows (bench/event_bus.py).
"""
import json

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy import insert

from core.api.errors import ApiError
from core.api.validation import describe
from core.events.bus import EXTENSION
from core.events.models import PENDING, EventDelivery, EventRecord
from core.events.types import new_event_id
from core.permissions.ids import is_valid_path
from core.timeutil import utcnow

OUTBOX = "gridwork.events.outbox"
LISTENING = "gridwork.events.listening"
ACTOR_MAX_LENGTH = 100


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
    bus = current_app.extensions[EXTENSION]
    validator = bus.validators.get(event_type)
    if validator is None:
        raise ValueError(f"未声明的事件类型：{event_type}")
    if not is_valid_path(org_path):
        raise ValueError(f"事件“{event_type}”的组织路径无效：{org_path!r}")
    _check_payload(event_type, validator, bus.quick_checks[event_type], payload)
    event_id = new_event_id()
    now = utcnow()
    outbox = _outbox_of(session, bus)
    outbox.events.append({"id": event_id, "type": event_type, "org_path": org_path, "actor": str(actor)[:ACTOR_MAX_LENGTH],
                          "occurred_at": now, "payload": _as_stored(payload)})
    outbox.deliveries.extend({"event_id": event_id, "handler": name, "status": PENDING, "attempts": 0,
                              "next_attempt_at": now} for name in bus.subscribers.get(event_type, ()))
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
    raise ApiError(422, f"事件“{event_type}”的数据无效：{described[0]['detail']}", pointer=described[0]["pointer"],
                   errors=described)


def _as_stored(payload):
    """The payload as the JSON column gives it back; a value JSON cannot hold fails here,
    at the publish call, not later inside the caller's commit."""
    return json.loads(json.dumps(payload, ensure_ascii=False, allow_nan=False))


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
    connection = session.connection()
    connection.execute(insert(EventRecord.__table__), events)  # before deliveries: they reference it
    if deliveries:
        connection.execute(insert(EventDelivery.__table__), deliveries)
    outbox.written = True


def _wake_dispatcher(session):
    outbox = session.info.get(OUTBOX)
    if outbox is not None and outbox.written:
        outbox.written = False
        outbox.bus.wake()


def _drop_outbox(session, transaction):
    outbox = session.info.get(OUTBOX)
    if outbox is not None and outbox.transaction is transaction:
        session.info.pop(OUTBOX, None)
