"""The dispatcher: claim due deliveries under a lease, run each handler's share of the
batch in one transaction with a savepoint per delivery (``delivery.run_guarded_round``),
and record what happened (done, skipped, retry later, or dead letter).

At-least-once delivery plus a processed marker written in the handler's transaction gives
each handler's database effects exactly once. A worker killed mid-batch leaves leases that
lapse after ``EVENTS_LEASE_SECONDS``; another worker then takes those deliveries over.
"""

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update

from core.db import engine_of
from core.events.delivery import Outcomes, backoff_seconds, run_guarded_round, run_unguarded
from core.events.models import PENDING, SKIPPED, EventDelivery, EventRecord
from core.events.types import Event
from core.loop_failures import FailureLog
from core.state import state_of
from core.timeutil import utcnow

__all__ = ["Claim", "Dispatcher", "Settings", "backoff_seconds", "run_workers"]
log = logging.getLogger(__name__)
DELIVERY, EVENT = EventDelivery.__table__, EventRecord.__table__


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
    batch_size: int = 100
    poll_interval: float = 0.2

    @classmethod
    def from_config(cls, config, batch_size=None):
        return cls(
            idempotent=bool(config.get("EVENTS_IDEMPOTENT", True)),
            max_attempts=int(config.get("EVENTS_MAX_ATTEMPTS", 8)),
            backoff_base=float(config.get("EVENTS_BACKOFF_BASE", 1.0)),
            lease_seconds=float(config.get("EVENTS_LEASE_SECONDS", 30)),
            batch_size=int(batch_size or config.get("EVENTS_BATCH_SIZE", 100)),
            poll_interval=float(config.get("EVENTS_POLL_INTERVAL", 0.2)),
        )


class Dispatcher:
    """One dispatcher loop; a worker process may run several (one per thread)."""

    def __init__(self, app, owner_suffix="", batch_size=None):
        self.app = app
        self.bus = state_of(app).bus
        self.engine = engine_of(app)
        self.settings = Settings.from_config(app.config, batch_size)
        self.owner = f"{socket.gethostname()[:60]}:{os.getpid()}:{owner_suffix or threading.get_ident()}"[:100]
        self.outcomes = Outcomes(self.engine, self.owner, self.settings)
        self.failures = FailureLog(log, f"event dispatcher {self.owner}: delivery round")

    # ------------------------------------------------------------ loop

    def run(self, stop, wake=None):
        """Deliver until ``stop`` is set; sleep ``poll_interval`` (or until woken) when idle."""
        with self.app.app_context():
            while not stop.is_set():
                try:
                    claimed = self.run_once(stop)
                    self.failures.succeeded()
                except Exception as error:  # database away, not migrated yet, or a bug: keep the loop alive
                    self.failures.failed(error)
                    claimed = 0
                    stop.wait(max(1.0, self.settings.poll_interval))
                if claimed < self.settings.batch_size:
                    (wake or stop).wait(self.settings.poll_interval)
                    if wake is not None:
                        wake.clear()

    def run_once(self, stop=None):
        """Claim one batch and deliver it, a transaction per handler in it; returns how
        many deliveries were claimed."""
        claims, events = self.claim()
        by_handler = {}
        for claim in claims:
            by_handler.setdefault(claim.handler, []).append(claim)
        for index, share in enumerate(by_handler.values()):
            if stop is not None and stop.is_set():
                self.release([claim for rest in list(by_handler.values())[index:] for claim in rest])
                break
            self.deliver_round(share, events)
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
        due = (
            select(DELIVERY.c.id)
            .where(
                DELIVERY.c.status == PENDING,
                DELIVERY.c.next_attempt_at <= now,
                or_(DELIVERY.c.lease_until.is_(None), DELIVERY.c.lease_until < now),
                DELIVERY.c.handler.in_(names),
            )
            .order_by(DELIVERY.c.next_attempt_at, DELIVERY.c.id)
            .limit(self.settings.batch_size)
        )
        lease = update(DELIVERY).values(
            lease_owner=self.owner,
            attempts=DELIVERY.c.attempts + 1,
            lease_until=now + timedelta(seconds=self.settings.lease_seconds),
        )
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
        return {
            row.id: Event(
                id=row.id,
                type=row.type,
                payload=row.payload,
                org_path=row.org_path,
                actor=row.actor,
                occurred_at=row.occurred_at,
            )
            for row in rows
        }

    def release(self, claims):
        """Give back claims not started (a clean stop): others may take them at once."""
        with self.engine.begin() as conn:
            conn.execute(
                update(DELIVERY)
                .where(DELIVERY.c.id.in_([claim.id for claim in claims]), DELIVERY.c.lease_owner == self.owner)
                .values(lease_owner=None, lease_until=None, attempts=DELIVERY.c.attempts - 1)
            )

    # ------------------------------------------------------------ delivering

    def deliver(self, claim, event):
        """Run one claimed delivery; returns the outcome ("done", "skipped", "failed", …)."""
        return self.deliver_round([claim], {claim.event_id: event})[claim.id]

    def deliver_round(self, claims, events):
        """Run claimed deliveries of one handler; returns {claim id: outcome}. Deliveries
        that need no handler run (worn out, plugin switched off) are settled first."""
        results, jobs, skipped = {}, [], []
        for claim in claims:
            event, handler = events[claim.event_id], self.bus.handlers[claim.handler]
            if claim.attempts > self.settings.max_attempts:
                # Claimed that often yet never finished: the handler keeps killing its worker.
                results[claim.id] = self.outcomes.fail(claim, "工作进程多次在处理该事件时中断，已停止重试。", bury=True)
            elif not self._plugin_enabled(handler.plugin, event.org_path):
                skipped.append(claim)
            elif self.settings.idempotent:
                jobs.append((claim, event, handler))
            else:
                results[claim.id] = run_unguarded(self.outcomes, claim, event, handler)
        results.update(self.outcomes.finish_all(skipped, SKIPPED))  # one transaction for them all
        return {**results, **run_guarded_round(self.outcomes, jobs)}

    def _plugin_enabled(self, plugin, org_path):
        if plugin == "core":
            return True
        state = state_of(self.app)
        if state.policy_factory is None:  # a bare bus without permissions (bus tests)
            return True
        return bool(state.policy.plugin_enabled(plugin, org_path))


def run_workers(app, concurrency=1, batch_size=None, stop=None, also=()):
    """Run ``concurrency`` dispatcher threads, and a thread for each loop in ``also`` (the
    scheduler's ``run(stop)``), until ``stop`` is set (``gridwork worker``)."""
    stop = stop or threading.Event()
    loops = [Dispatcher(app, owner_suffix=f"w{index}", batch_size=batch_size).run for index in range(concurrency)]
    threads = [
        threading.Thread(target=loop, args=(stop,), name=f"gridwork-worker-{index}")
        for index, loop in enumerate([*loops, *also])
    ]
    for thread in threads:
        thread.start()
    try:
        while any(thread.is_alive() for thread in threads):
            time.sleep(0.2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
