"""What operators see and do: backlog and failure figures, failing deliveries, dead
letters, and replaying dead letters. ``scope`` (a DataScope) limits everything to events
at org nodes the operator manages; ``None`` means the whole installation (the CLI)."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Optional

from sqlalchemy import func, select, update

from core.audit.chain import record_audit
from core.db import SCOPED, system_query
from core.events.models import DEAD, PENDING, EventDeadLetter, EventDelivery, EventRecord
from core.timeutil import isoformat, utcnow

DELIVERY, EVENT, DEAD_LETTER = EventDelivery.__table__, EventRecord.__table__, EventDeadLetter.__table__
LIST_LIMIT = 50


@dataclass(frozen=True)
class DeliveryView:
    delivery_id: int
    event_id: str
    event_type: str
    org_path: str
    handler: str
    attempts: int
    last_error: str
    next_attempt_at: Optional[datetime]
    died_at: Optional[datetime] = None

    def as_json(self):
        return {
            "delivery_id": self.delivery_id,
            "event_id": self.event_id,
            "event_type": self.event_type,
            "org_path": self.org_path,
            "handler": self.handler,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "next_attempt_at": isoformat(self.next_attempt_at),
            "died_at": isoformat(self.died_at),
        }


def _in_scope(statement, scope):
    if scope is None:
        return system_query(statement, "event bus figures for the operator CLI: the whole installation")
    return statement.where(scope.clause(EVENT.c.org_path)).execution_options(**{SCOPED: True})


def status_counts(session, scope=None):
    """{"backlog": pending deliveries, "failing": pending after a failure, "dead": dead letters
    not yet replayed, "oldest_due_at": ISO time of the oldest pending delivery}."""
    joined = DELIVERY.join(EVENT, EVENT.c.id == DELIVERY.c.event_id)
    pending = _in_scope(
        select(func.count(), func.min(DELIVERY.c.next_attempt_at))
        .select_from(joined)
        .where(DELIVERY.c.status == PENDING),
        scope,
    )
    failing = _in_scope(
        select(func.count())
        .select_from(joined)
        .where(DELIVERY.c.status == PENDING, DELIVERY.c.last_error.is_not(None)),
        scope,
    )
    dead = _in_scope(
        select(func.count())
        .select_from(DEAD_LETTER.join(EVENT, EVENT.c.id == DEAD_LETTER.c.event_id))
        .where(DEAD_LETTER.c.replayed_at.is_(None)),
        scope,
    )
    backlog, oldest = session.execute(pending).one()
    return {
        "backlog": backlog,
        "failing": session.execute(failing).scalar_one(),
        "dead": session.execute(dead).scalar_one(),
        "oldest_due_at": isoformat(_aware(oldest)),
    }


def failing_deliveries(session, scope=None, limit=LIST_LIMIT):
    """Pending deliveries that have failed at least once, soonest retry first."""
    statement = _in_scope(
        select(
            DELIVERY.c.id,
            DELIVERY.c.event_id,
            EVENT.c.type,
            EVENT.c.org_path,
            DELIVERY.c.handler,
            DELIVERY.c.attempts,
            DELIVERY.c.last_error,
            DELIVERY.c.next_attempt_at,
        )
        .select_from(DELIVERY.join(EVENT, EVENT.c.id == DELIVERY.c.event_id))
        .where(DELIVERY.c.status == PENDING, DELIVERY.c.last_error.is_not(None))
        .order_by(DELIVERY.c.next_attempt_at)
        .limit(limit),
        scope,
    )
    return [
        DeliveryView(row[0], row[1], row[2], row[3], row[4], row[5], row[6] or "", _aware(row[7]))
        for row in session.execute(statement)
    ]


def dead_letters(session, scope=None, limit=LIST_LIMIT):
    """Dead letters not yet replayed, newest first."""
    statement = _in_scope(
        select(
            DEAD_LETTER.c.delivery_id,
            DEAD_LETTER.c.event_id,
            EVENT.c.type,
            EVENT.c.org_path,
            DEAD_LETTER.c.handler,
            DEAD_LETTER.c.attempts,
            DEAD_LETTER.c.last_error,
            DEAD_LETTER.c.died_at,
        )
        .select_from(DEAD_LETTER.join(EVENT, EVENT.c.id == DEAD_LETTER.c.event_id))
        .where(DEAD_LETTER.c.replayed_at.is_(None))
        .order_by(DEAD_LETTER.c.died_at.desc(), DEAD_LETTER.c.id.desc())
        .limit(limit),
        scope,
    )
    return [
        DeliveryView(row[0], row[1], row[2], row[3], row[4], row[5], row[6], None, _aware(row[7]))
        for row in session.execute(statement)
    ]


def replay(session, *, actor, scope=None, event_id=None, handler=None, delivery_id=None, org_path="", ip=""):
    """Re-queue dead letters (all in scope, or those of one event, handler or delivery) as
    fresh deliveries, and audit it. Returns how many were re-queued. The caller commits.

    The dead-letter rows stay (``replayed_at`` set): the dead-letter table never forgets.
    """
    now = utcnow()
    letters = update(DEAD_LETTER).where(DEAD_LETTER.c.replayed_at.is_(None))
    if event_id is not None:
        letters = letters.where(DEAD_LETTER.c.event_id == event_id)
    if handler is not None:
        letters = letters.where(DEAD_LETTER.c.handler == handler)
    if delivery_id is not None:
        letters = letters.where(DEAD_LETTER.c.delivery_id == delivery_id)
    if scope is not None:
        letters = letters.where(DEAD_LETTER.c.event_id.in_(select(EVENT.c.id).where(scope.clause(EVENT.c.org_path))))
    # The UPDATE comes first, so on SQLite the write lock is taken before anything is read.
    replayed = session.execute(
        letters.values(replayed_at=now, replayed_by=str(actor)[:100]).returning(
            DEAD_LETTER.c.delivery_id, DEAD_LETTER.c.event_id
        )
    ).all()
    if not replayed:
        return 0
    session.execute(
        update(DELIVERY)
        .where(DELIVERY.c.id.in_([row[0] for row in replayed]), DELIVERY.c.status == DEAD)
        .values(
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            last_error=None,
            finished_at=None,
            lease_owner=None,
            lease_until=None,
        )
    )
    target = f"event:{event_id}" if event_id else (f"handler:{handler}" if handler else "events:dead_letters")
    record_audit(
        session,
        "core.event_replayed",
        actor=str(actor),
        target=target,
        org_path=org_path,
        ip=ip,
        detail={"count": len(replayed), "event_id": event_id, "handler": handler, "delivery_id": delivery_id},
    )
    return len(replayed)


def _aware(value):
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
