"""The dispatcher: claim due deliveries under a lease, run each handler in its own
transaction, and record what happened (done, skipped, retry later, or dead letter).

At-least-once delivery plus a processed marker written in the handler's transaction gives
each handler's database effects exactly once. A worker killed mid-batch leaves leases that
lapse after ``EVENTS_LEASE_SECONDS``; another worker then takes those deliveries over.
"""
import logging
import os
import random
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from core.db import GridworkSession, engine_of
from core.events.bus import EXTENSION
from core.events.models import (DEAD, DONE, ERROR_MAX_LENGTH, PENDING, SKIPPED, EventDeadLetter, EventDelivery,
                                EventProcessed, EventRecord)
from core.events.types import Event
from core.timeutil import utcnow

log = logging.getLogger(__name__)
DELIVERY, EVENT = EventDelivery.__table__, EventRecord.__table__
PROCESSED, DEAD_LETTER = EventProcessed.__table__, EventDeadLetter.__table__
BACKOFF_CAP_SECONDS = 600
JITTER = 0.2  # up to +20 %, so deliveries that failed together do not retry in lockstep


@dataclass(frozen=True)
class Claim:
    id: int
    event_id: str
    handler: str
    attempts: int


@dataclass(frozen=True)
class Settings:
    idempotent: bool = True
    max_attempts: int = 8
    backoff_base: float = 1.0
    lease_seconds: float = 30.0
    batch_size: int = 20
    poll_interval: float = 0.2

    @classmethod
    def from_config(cls, config, batch_size=None):
        return cls(idempotent=bool(config.get("EVENTS_IDEMPOTENT", True)),
                   max_attempts=int(config.get("EVENTS_MAX_ATTEMPTS", 8)),
                   backoff_base=float(config.get("EVENTS_BACKOFF_BASE", 1.0)),
                   lease_seconds=float(config.get("EVENTS_LEASE_SECONDS", 30)),
                   batch_size=int(batch_size or config.get("EVENTS_BATCH_SIZE", 20)),
                   poll_interval=float(config.get("EVENTS_POLL_INTERVAL", 0.2)))


def backoff_seconds(attempts, base, cap=BACKOFF_CAP_SECONDS):
    """base · 2^(attempts-1), at most ``cap``, plus jitter."""
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay * (1 + random.random() * JITTER)


class Dispatcher:
    """One dispatcher loop; a worker process may run several (one per thread)."""

    def __init__(self, app, owner_suffix="", batch_size=None):
        self.app = app
        self.bus = app.extensions[EXTENSION]
        self.engine = engine_of(app)
        self.settings = Settings.from_config(app.config, batch_size)
        self.owner = f"{socket.gethostname()[:60]}:{os.getpid()}:{owner_suffix or threading.get_ident()}"[:100]

    # ------------------------------------------------------------ loop

    def run(self, stop, wake=None):
        """Deliver until ``stop`` is set; sleep ``poll_interval`` (or until woken) when idle."""
        with self.app.app_context():
            while not stop.is_set():
                try:
                    claimed = self.run_once(stop)
                except (OperationalError, ProgrammingError) as error:  # database away or not migrated yet
                    log.warning("event dispatcher: %s", error.__class__.__name__, exc_info=True)
                    claimed = 0
                    stop.wait(max(1.0, self.settings.poll_interval))
                if claimed < self.settings.batch_size:
                    (wake or stop).wait(self.settings.poll_interval)
                    if wake is not None:
                        wake.clear()

    def run_once(self, stop=None):
        """Claim one batch and deliver it; returns how many deliveries were claimed."""
        claims, events = self.claim()
        for index, claim in enumerate(claims):
            if stop is not None and stop.is_set():
                self.release(claims[index:])
                break
            self.deliver(claim, events[claim.event_id])
        return len(claims)

    def drain(self):
        """Deliver everything due now (``gridwork worker --once``); returns deliveries claimed."""
        total = 0
        while True:
            claimed = self.run_once()
            total += claimed
            if claimed == 0:
                return total

    # ------------------------------------------------------------ claiming

    def claim(self):
        """([Claim], {event id: Event}) for up to ``batch_size`` due deliveries of handlers
        this process knows, leased to this dispatcher in one short transaction."""
        names = tuple(self.bus.handlers)
        if not names:
            return [], {}
        now = utcnow()
        due = (select(DELIVERY.c.id)
               .where(DELIVERY.c.status == PENDING, DELIVERY.c.next_attempt_at <= now,
                      or_(DELIVERY.c.lease_until.is_(None), DELIVERY.c.lease_until < now),
                      DELIVERY.c.handler.in_(names))
               .order_by(DELIVERY.c.next_attempt_at, DELIVERY.c.id)
               .limit(self.settings.batch_size))
        lease = update(DELIVERY).values(lease_owner=self.owner, attempts=DELIVERY.c.attempts + 1,
                                        lease_until=now + timedelta(seconds=self.settings.lease_seconds))
        returned = (DELIVERY.c.id, DELIVERY.c.event_id, DELIVERY.c.handler, DELIVERY.c.attempts)
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Rows another worker is claiming right now are skipped, not waited for.
                ids = conn.execute(due.with_for_update(skip_locked=True)).scalars().all()
                rows = conn.execute(lease.where(DELIVERY.c.id.in_(ids)).returning(*returned)).all() if ids else []
            else:
                # SQLite: one UPDATE … RETURNING; its single writer makes pick-and-lease atomic.
                rows = conn.execute(lease.where(DELIVERY.c.id.in_(due.scalar_subquery())).returning(*returned)).all()
            claims = sorted((Claim(*row) for row in rows), key=lambda claim: claim.id)
            events = self._events(conn, {claim.event_id for claim in claims})
        return claims, events

    @staticmethod
    def _events(conn, event_ids):
        if not event_ids:
            return {}
        rows = conn.execute(select(EVENT).where(EVENT.c.id.in_(event_ids))).all()
        return {row.id: Event(id=row.id, type=row.type, payload=row.payload, org_path=row.org_path, actor=row.actor,
                              occurred_at=row.occurred_at) for row in rows}

    def release(self, claims):
        """Give back claims not started (a clean stop): others may take them at once."""
        with self.engine.begin() as conn:
            conn.execute(update(DELIVERY).where(DELIVERY.c.id.in_([claim.id for claim in claims]),
                                                DELIVERY.c.lease_owner == self.owner)
                         .values(lease_owner=None, lease_until=None, attempts=DELIVERY.c.attempts - 1))

    # ------------------------------------------------------------ delivering

    def deliver(self, claim, event):
        """Run one claimed delivery; returns the outcome ("done", "skipped", "failed", …)."""
        handler = self.bus.handlers[claim.handler]
        if claim.attempts > self.settings.max_attempts:
            # Claimed that often yet never finished: the handler keeps killing its worker.
            return self._fail(claim, "工作进程多次在处理该事件时中断，已停止重试。", bury=True)
        if not self._plugin_enabled(handler.plugin, event.org_path):
            return self._finish(claim, SKIPPED)
        if self.settings.idempotent:
            return self._run_guarded(claim, event, handler)
        return self._run_unguarded(claim, event, handler)

    def _plugin_enabled(self, plugin, org_path):
        if plugin == "core":
            return True
        policy = self.app.extensions.get("gridwork.policy")
        check = getattr(policy, "plugin_enabled", None)
        return True if check is None else bool(check(plugin, org_path))

    def _run_guarded(self, claim, event, handler):
        """Handler effects, processed marker and "done" commit together, or not at all."""
        with GridworkSession(self.engine, expire_on_commit=False) as session:
            try:
                if not self._still_ours(session, claim):
                    session.rollback()
                    return "lost"
                if session.execute(select(PROCESSED.c.event_id).where(PROCESSED.c.event_id == claim.event_id,
                                                                      PROCESSED.c.handler == claim.handler)).first():
                    self._mark_done(session, claim)
                    session.commit()
                    return "duplicate"
                handler.handler(event, session)
                session.flush()
                session.execute(insert(PROCESSED).values(event_id=claim.event_id, handler=claim.handler,
                                                         processed_at=utcnow()))
                self._mark_done(session, claim)
                session.commit()
                return DONE
            except Exception as error:
                session.rollback()
                if isinstance(error, IntegrityError) and self._processed(claim):
                    return self._finish(claim, DONE)  # someone else committed it first
                log.warning("event handler %s failed on %s", claim.handler, claim.event_id, exc_info=True)
                return self._fail(claim, _describe(error))

    def _run_unguarded(self, claim, event, handler):
        """EVENTS_IDEMPOTENT=False (crash-test control only): the effect commits on its own
        and "done" follows in a second transaction, so a kill between them duplicates."""
        with GridworkSession(self.engine, expire_on_commit=False) as session:
            try:
                if not self._still_ours(session, claim):
                    session.rollback()
                    return "lost"
                handler.handler(event, session)
                session.commit()
            except Exception as error:
                session.rollback()
                return self._fail(claim, _describe(error))
        return self._finish(claim, DONE)

    def _still_ours(self, session, claim):
        """Renew the lease, proving it is still ours. Being the transaction's first write it
        also takes the row (PostgreSQL) or the database (SQLite) lock before any read."""
        renewed = session.execute(
            update(DELIVERY).where(DELIVERY.c.id == claim.id, DELIVERY.c.lease_owner == self.owner,
                                   DELIVERY.c.status == PENDING)
            .values(lease_until=utcnow() + timedelta(seconds=self.settings.lease_seconds)))
        return renewed.rowcount == 1

    def _mark_done(self, session_or_conn, claim, status=DONE):
        session_or_conn.execute(
            update(DELIVERY).where(DELIVERY.c.id == claim.id)
            .values(status=status, finished_at=utcnow(), lease_owner=None, lease_until=None))

    def _finish(self, claim, status):
        with self.engine.begin() as conn:
            self._mark_done(conn, claim, status)
        return status

    def _processed(self, claim):
        with self.engine.connect() as conn:
            return conn.execute(select(PROCESSED.c.event_id).where(PROCESSED.c.event_id == claim.event_id,
                                                                   PROCESSED.c.handler == claim.handler)).first()

    def _fail(self, claim, message, bury=False):
        """Schedule a retry with backoff, or after the last attempt move to the dead letters."""
        now = utcnow()
        mine = (DELIVERY.c.id == claim.id, DELIVERY.c.lease_owner == self.owner, DELIVERY.c.status == PENDING)
        with self.engine.begin() as conn:
            if bury or claim.attempts >= self.settings.max_attempts:
                moved = conn.execute(update(DELIVERY).where(*mine).values(
                    status=DEAD, last_error=message, finished_at=now, lease_owner=None, lease_until=None))
                if moved.rowcount:
                    conn.execute(insert(DEAD_LETTER).values(
                        delivery_id=claim.id, event_id=claim.event_id, handler=claim.handler,
                        attempts=claim.attempts, last_error=message, died_at=now, replayed_by=""))
                return DEAD
            retry_at = now + timedelta(seconds=backoff_seconds(claim.attempts, self.settings.backoff_base))
            conn.execute(update(DELIVERY).where(*mine).values(
                last_error=message, next_attempt_at=retry_at, lease_owner=None, lease_until=None))
        return "failed"


def _describe(error):
    return f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]


def run_workers(app, concurrency=1, batch_size=None, stop=None):
    """Run ``concurrency`` dispatcher threads until ``stop`` is set (``gridwork worker``)."""
    stop = stop or threading.Event()
    threads = [threading.Thread(target=Dispatcher(app, owner_suffix=f"w{index}", batch_size=batch_size).run,
                                args=(stop,), name=f"gridwork-worker-{index}") for index in range(concurrency)]
    for thread in threads:
        thread.start()
    try:
        while any(thread.is_alive() for thread in threads):
            time.sleep(0.2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
