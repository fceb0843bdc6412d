"""Running due periods: claim the (job, period) row, run the job, record the outcome.

Claiming is one INSERT … ON CONFLICT DO NOTHING (the unique index picks one winner among
processes), or the takeover of a row whose lease lapsed (its process died) or whose retry is
due. The job's work and the row's "done" commit in one transaction, guarded by the owner:
if another process took the period over meanwhile, this one's work is rolled back — so a
period's effects are committed once, whatever is killed when.

Why not APScheduler: 3.x keeps no cross-process coordination (its docs and django-apscheduler
say to run one scheduler only), and 4.x, which shares a data store, is a pre-release that its
author says not to use in production. The period arithmetic is 60 lines; the claim is the
event bus's pattern."""

import logging
import os
import socket
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from core.db import GridworkSession, engine_of
from core.loop_failures import FailureLog
from core.scheduler.jobs import JobContext
from core.scheduler.models import DEAD, DONE, ERROR_MAX_LENGTH, FAILED, RUNNING, SKIPPED, JobRun
from core.state import state_of
from core.timeutil import clock
from core.tree.scope import DataScope, whole_tree_scope

log = logging.getLogger(__name__)
RUN = JobRun.__table__
BACKOFF_CAP = timedelta(hours=1)


def backoff(attempts):
    """1, 2, 4, 8 … minutes after the n-th failure, at most an hour (business clock)."""
    return min(timedelta(minutes=2 ** (attempts - 1)), BACKOFF_CAP)


def wall_now():
    """Leases measure whether a process is alive: the system clock, never the business one."""
    return datetime.now(UTC)


class Scheduler:
    def __init__(self, app, owner_suffix=""):
        self.app = app
        config = app.config
        self.poll = float(config.get("JOBS_POLL_SECONDS", 5.0))
        self.lease = timedelta(seconds=float(config.get("JOBS_LEASE_SECONDS", 300.0)))
        self.max_attempts = int(config.get("JOBS_MAX_ATTEMPTS", 5))
        self.owner_suffix = owner_suffix

    @property
    def owner(self):
        """host:pid:thread, read when used: workers forked after ``create_app`` (gunicorn
        ``--preload``) must not share one owner, or the owner guard could not tell them apart."""
        return f"{socket.gethostname()[:60]}:{os.getpid()}:{self.owner_suffix or threading.get_ident()}"[:100]

    @property
    def engine(self):
        return engine_of(self.app)

    def run(self, stop):
        """Look for due periods every ``JOBS_POLL_SECONDS`` until ``stop`` is set."""
        failures = FailureLog(log, f"scheduler {self.owner}: round")
        with self.app.app_context():
            while not stop.is_set():
                try:
                    self.tick()
                    failures.succeeded()
                except Exception as error:  # database away or not migrated yet: keep the loop alive
                    failures.failed(error)
                stop.wait(self.poll)

    def tick(self):
        """Run every job whose current period has not run here or elsewhere: {job: outcome}."""
        outcomes = {}
        for job in state_of(self.app).jobs.values():
            outcome = self.run_due(job)
            if outcome is not None:
                outcomes[job.name] = outcome
        return outcomes

    def run_due(self, job, at=None, force=False):
        """Run ``job`` for the period containing ``at`` (default now) if nobody has; returns
        the outcome, or None when there was nothing to do."""
        now = at or clock.now()
        period = job.schedule.period_start(clock.local(now))
        run_id = self._claim(job.name, period.astimezone(UTC), now, force)
        return None if run_id is None else self._execute(job, run_id, period, now)

    # ------------------------------------------------------------ claiming

    def _claim(self, name, period, now, force):
        lease = wall_now() + self.lease
        values = {"status": RUNNING, "owner": self.owner, "lease_until": lease, "started_at": now}
        with self.engine.begin() as connection:
            inserted = connection.execute(
                _insert_ignoring(connection, {"job": name, "period": period, "attempts": 1, **values}).returning(
                    RUN.c.id
                )
            ).first()
            if inserted is not None:
                return inserted.id
            lapsed = (RUN.c.status == RUNNING) & (RUN.c.lease_until < wall_now())
            due_again = (RUN.c.status == FAILED) & (RUN.c.next_try_at <= now)
            takeover = or_(lapsed, due_again, RUN.c.status != RUNNING) if force else or_(lapsed, due_again)
            retaken = connection.execute(
                update(RUN)
                .where(RUN.c.job == name, RUN.c.period == period, takeover)
                .values(**values, attempts=RUN.c.attempts + 1, next_try_at=None)
                .returning(RUN.c.id)
            ).first()
            return None if retaken is None else retaken.id

    # ------------------------------------------------------------ running

    def _execute(self, job, run_id, period, now):
        with GridworkSession(self.engine, expire_on_commit=False) as session:
            scope = self._scope(session, job.name.split(".", 1)[0])
            try:
                if scope:
                    job.run(JobContext(session=session, now=now, period=period, scope=scope))
                    session.flush()
                outcome = DONE if scope else SKIPPED
                if not self._finish(session, run_id, outcome):
                    session.rollback()
                    return "lost"  # taken over while running: the other process's run counts
                session.commit()
                return outcome
            except Exception as error:
                session.rollback()
                log.warning("scheduled job %s failed", job.name, exc_info=True)
                return self._fail(run_id, error, now)

    def _scope(self, session, plugin):
        """Where the job may act: the nodes where its plugin is enabled (retired or disabled
        ones left out), the whole tree for the core."""
        state = state_of(self.app)
        if plugin == "core" or state.policy_factory is None:
            return whole_tree_scope(session)
        return DataScope.from_terms(state.policy.plugin_terms(plugin))

    def _finish(self, session, run_id, status):
        ours = (RUN.c.id == run_id, RUN.c.owner == self.owner, RUN.c.status == RUNNING)
        done = update(RUN).where(*ours).values(status=status, finished_at=clock.now(), lease_until=None, error=None)
        return session.execute(done).rowcount == 1

    def _fail(self, run_id, error, now):
        message = f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
        with self.engine.begin() as connection:
            attempts = connection.execute(select(RUN.c.attempts).where(RUN.c.id == run_id)).scalar_one()
            status = DEAD if attempts >= self.max_attempts else FAILED
            connection.execute(
                update(RUN)
                .where(RUN.c.id == run_id, RUN.c.owner == self.owner)
                .values(
                    status=status,
                    error=message,
                    lease_until=None,
                    finished_at=clock.now(),
                    next_try_at=now + backoff(attempts),
                )
            )
        return status


def _insert_ignoring(connection, values):
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(RUN).values(**values).on_conflict_do_nothing(index_elements=["job", "period"])
