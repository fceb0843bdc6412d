"""Running claimed deliveries and recording their outcomes.

A dispatcher's claimed deliveries for one handler run in one transaction, each inside its
own savepoint: one commit (one fsync on SQLite) per round instead of one per delivery. A
delivery that fails rolls back only its savepoint; the round commits what succeeded before
it, the failure is recorded (retry or dead letter) in its own transaction, and the rest of
the round goes on in a fresh one. A worker killed mid-round commits nothing of it: the
leases lapse and the whole round is delivered again — the processed markers, written in
the same transaction as the effects, keep that at-least-once delivery effective once.

Statements are built once, with bind parameters: building a SQLAlchemy statement costs
more than executing it, and a dispatcher runs several per delivery.
"""

import logging
import random
from datetime import timedelta

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.db import GridworkSession
from core.events.batch_round import call_for_one, deliver_as_one_batch, is_batch
from core.events.models import DEAD, DONE, ERROR_MAX_LENGTH, PENDING, EventDeadLetter, EventDelivery, EventProcessed
from core.timeutil import utcnow

log = logging.getLogger(__name__)
DELIVERY, PROCESSED, DEAD_LETTER = EventDelivery.__table__, EventProcessed.__table__, EventDeadLetter.__table__
BACKOFF_CAP_SECONDS = 600
JITTER = 0.2  # up to +20 %, so deliveries that failed together do not retry in lockstep


def _param(name, column):
    return bindparam(name, type_=column.type)


_OURS = (
    DELIVERY.c.id == _param("b_id", DELIVERY.c.id),
    DELIVERY.c.status == PENDING,
    DELIVERY.c.lease_owner == _param("b_owner", DELIVERY.c.lease_owner),
)
RENEW = update(DELIVERY).where(*_OURS).values(lease_until=_param("b_until", DELIVERY.c.lease_until))
RENEW_MANY = (
    update(DELIVERY)
    .where(
        DELIVERY.c.id.in_(bindparam("b_ids", expanding=True)),
        DELIVERY.c.status == PENDING,
        DELIVERY.c.lease_owner == _param("b_owner", DELIVERY.c.lease_owner),
    )
    .values(lease_until=_param("b_until", DELIVERY.c.lease_until))
    .returning(DELIVERY.c.id)
)
IS_PROCESSED = select(PROCESSED.c.event_id).where(
    PROCESSED.c.event_id == _param("b_event", PROCESSED.c.event_id),
    PROCESSED.c.handler == _param("b_handler", PROCESSED.c.handler),
)
PROCESSED_AMONG = select(PROCESSED.c.event_id).where(
    PROCESSED.c.event_id.in_(bindparam("b_events", expanding=True)),
    PROCESSED.c.handler == _param("b_handler", PROCESSED.c.handler),
)
MARK_PROCESSED = insert(PROCESSED)
FINISH = (
    update(DELIVERY)
    .where(DELIVERY.c.id == _param("b_id", DELIVERY.c.id), DELIVERY.c.status == PENDING)
    .values(
        status=_param("b_status", DELIVERY.c.status),
        finished_at=_param("b_at", DELIVERY.c.finished_at),
        lease_owner=None,
        lease_until=None,
    )
)
RETRY = (
    update(DELIVERY)
    .where(*_OURS)
    .values(
        last_error=_param("b_error", DELIVERY.c.last_error),
        lease_owner=None,
        lease_until=None,
        next_attempt_at=_param("b_retry_at", DELIVERY.c.next_attempt_at),
    )
)
BURY = (
    update(DELIVERY)
    .where(*_OURS)
    .values(
        status=DEAD,
        last_error=_param("b_error", DELIVERY.c.last_error),
        lease_owner=None,
        lease_until=None,
        finished_at=_param("b_at", DELIVERY.c.finished_at),
    )
)
ADD_DEAD_LETTER = insert(DEAD_LETTER)


def backoff_seconds(attempts, base, cap=BACKOFF_CAP_SECONDS):
    """base · 2^(attempts-1), at most ``cap``, plus jitter."""
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay * (1 + random.random() * JITTER)


def describe_error(error):
    return f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]


class Outcomes:
    """Records what became of a delivery, each in its own short transaction."""

    def __init__(self, engine, owner, settings):
        self.engine = engine
        self.owner = owner
        self.settings = settings

    def still_ours(self, connection, claim):
        """Renew the lease, proving it is still ours. As the transaction's first write it
        also takes the row (PostgreSQL) or the database (SQLite) lock before any read."""
        until = utcnow() + timedelta(seconds=self.settings.lease_seconds)
        return connection.execute(RENEW, {"b_id": claim.id, "b_owner": self.owner, "b_until": until}).rowcount == 1

    def still_ours_of(self, connection, claims):
        """Ids of ``claims`` whose lease this dispatcher still holds, renewed in one UPDATE.
        As the round's first write it locks those rows (PostgreSQL) or the database (SQLite)
        until the round commits, so no other worker can take them over meanwhile."""
        until = utcnow() + timedelta(seconds=self.settings.lease_seconds)
        ids = [claim.id for claim in claims]
        return set(connection.execute(RENEW_MANY, {"b_ids": ids, "b_owner": self.owner, "b_until": until}).scalars())

    @staticmethod
    def already_processed(connection, claim):
        return connection.execute(IS_PROCESSED, {"b_event": claim.event_id, "b_handler": claim.handler}).first()

    @staticmethod
    def mark_processed(connection, claim):
        connection.execute(
            MARK_PROCESSED, {"event_id": claim.event_id, "handler": claim.handler, "processed_at": utcnow()}
        )

    @staticmethod
    def processed_among(connection, handler, event_ids):
        """The ids among ``event_ids`` that ``handler`` has already processed (one query)."""
        return set(connection.execute(PROCESSED_AMONG, {"b_events": event_ids, "b_handler": handler}).scalars())

    @staticmethod
    def mark_processed_all(connection, claims):
        now = utcnow()
        rows = [{"event_id": claim.event_id, "handler": claim.handler, "processed_at": now} for claim in claims]
        connection.execute(MARK_PROCESSED, rows)

    @staticmethod
    def mark_finished(connection, claim, status=DONE):
        connection.execute(FINISH, {"b_id": claim.id, "b_status": status, "b_at": utcnow()})

    @staticmethod
    def mark_finished_all(connection, claims, status=DONE):
        now = utcnow()
        connection.execute(FINISH, [{"b_id": claim.id, "b_status": status, "b_at": now} for claim in claims])

    def finish(self, claim, status):
        with self.engine.begin() as connection:
            self.mark_finished(connection, claim, status)
        return status

    def finish_all(self, claims, status):
        """Settle deliveries that need no handler run (skipped) in one transaction."""
        if claims:
            with self.engine.begin() as connection:
                self.mark_finished_all(connection, claims, status)
        return {claim.id: status for claim in claims}

    def processed_elsewhere(self, claim):
        with self.engine.connect() as connection:
            return self.already_processed(connection, claim) is not None

    def fail(self, claim, message, bury=False):
        """Schedule a retry with backoff or, after the last attempt, move to the dead letters."""
        now = utcnow()
        ours = {"b_id": claim.id, "b_owner": self.owner, "b_error": message}
        with self.engine.begin() as connection:
            if bury or claim.attempts >= self.settings.max_attempts:
                if connection.execute(BURY, {**ours, "b_at": now}).rowcount:
                    connection.execute(
                        ADD_DEAD_LETTER,
                        {
                            "delivery_id": claim.id,
                            "event_id": claim.event_id,
                            "handler": claim.handler,
                            "attempts": claim.attempts,
                            "last_error": message,
                            "died_at": now,
                            "replayed_by": "",
                        },
                    )
                return DEAD
            delay = backoff_seconds(claim.attempts, self.settings.backoff_base)
            connection.execute(RETRY, {**ours, "b_retry_at": now + timedelta(seconds=delay)})
        return "failed"


def run_guarded_round(outcomes, jobs):
    """Deliver ``jobs`` ([(claim, event, handler)], one handler's) in as few transactions as
    failures allow; returns {claim id: outcome}. A batch handler gets them in one call first;
    if that raises, they go one at a time below."""
    results = {}
    if jobs and is_batch(jobs[0][2]):
        jobs = deliver_as_one_batch(outcomes, jobs, results)
    while jobs:
        failed_at, error = _deliver_in_one_transaction(outcomes, jobs, results)
        if error is None:
            break
        claim = jobs[failed_at][0]
        results[claim.id] = _record_failure(outcomes, claim, error)
        jobs = jobs[failed_at + 1 :]
    return results


def _deliver_in_one_transaction(outcomes, jobs, results):
    """Deliver ``jobs`` in order, a savepoint each, until one raises; commits the ones
    before it. Returns (index of the failed job, its error) or (None, None)."""
    with GridworkSession(outcomes.engine, expire_on_commit=False) as session:
        connection = session.connection()
        ours = outcomes.still_ours_of(connection, [claim for claim, _event, _handler in jobs])
        for index, (claim, event, handler) in enumerate(jobs):
            if claim.id not in ours:
                results[claim.id] = "lost"
                continue
            savepoint = session.begin_nested()
            try:
                results[claim.id] = _deliver_one(session, connection, outcomes, claim, event, handler)
                savepoint.commit()
            except Exception as error:
                savepoint.rollback()
                session.commit()
                return index, error
        session.commit()
    return None, None


def _deliver_one(session, connection, outcomes, claim, event, handler):
    if outcomes.already_processed(connection, claim):
        outcomes.mark_finished(connection, claim)
        return "duplicate"
    call_for_one(handler, event, session)
    session.flush()
    outcomes.mark_processed(connection, claim)
    outcomes.mark_finished(connection, claim)
    return DONE


def _record_failure(outcomes, claim, error):
    if isinstance(error, IntegrityError) and outcomes.processed_elsewhere(claim):
        return outcomes.finish(claim, DONE)  # another worker committed it first
    log.warning("event handler %s failed on %s", claim.handler, claim.event_id, exc_info=error)
    return outcomes.fail(claim, describe_error(error))


def run_unguarded(outcomes, claim, event, handler):
    """EVENTS_IDEMPOTENT=False (the crash test's control only): the effect commits on its
    own and "done" follows in a second transaction, so a kill between the two duplicates."""
    with GridworkSession(outcomes.engine, expire_on_commit=False) as session:
        try:
            if not outcomes.still_ours(session.connection(), claim):
                session.rollback()
                return "lost"
            call_for_one(handler, event, session)
            session.commit()
        except Exception as error:
            session.rollback()
            log.warning("event handler %s failed on %s", claim.handler, claim.event_id, exc_info=True)
            return outcomes.fail(claim, describe_error(error))
    return outcomes.finish(claim, DONE)
