"""A batch handler's round (``EventHandler(..., batch=True)``): its share of a claimed
batch in one call, inside one savepoint of the round's transaction.

Per-delivery guarantees stay per delivery: deliveries already processed are settled as
duplicates before the call and left out of it; the processed markers of the rest are written
with the call's effects, in the same savepoint, so a redelivery never repeats them and a
worker killed mid-round commits nothing of it. If the call raises, its savepoint is rolled
back and the caller delivers the same deliveries one at a time, so only the one that fails
again is retried or ends in the dead letters.
"""

import logging

from core.db import GridworkSession
from core.events.models import DONE

log = logging.getLogger(__name__)


def is_batch(handler):
    return getattr(handler, "batch", False)  # a MatchingHandler has no batch form


def call_for_one(handler, event, session):
    """Call ``handler`` for one event, in whichever form it declared."""
    handler.handler([event] if is_batch(handler) else event, session)


def deliver_as_one_batch(outcomes, jobs, results):
    """Deliver ``jobs`` with one handler call; fills ``results`` and returns the jobs left to
    deliver one at a time (none, unless the call raised)."""
    with GridworkSession(outcomes.engine, expire_on_commit=False) as session:
        connection = session.connection()
        fresh = _fresh_jobs(outcomes, connection, jobs, results)
        if fresh and not _call_in_savepoint(outcomes, session, connection, fresh):
            session.commit()  # the duplicates settled above
            return fresh
        results.update({claim.id: DONE for claim, _event, _handler in fresh})
        session.commit()
    return []


def _fresh_jobs(outcomes, connection, jobs, results):
    """The jobs still leased to us and not yet processed; the others settled in ``results``."""
    ours = outcomes.still_ours_of(connection, [claim for claim, _event, _handler in jobs])
    handler_name = jobs[0][0].handler
    done = outcomes.processed_among(connection, handler_name, [claim.event_id for claim, _e, _h in jobs])
    fresh, duplicates = [], []
    for job in jobs:
        claim = job[0]
        if claim.id not in ours:
            results[claim.id] = "lost"
        elif claim.event_id in done:
            duplicates.append(claim)
            results[claim.id] = "duplicate"
        else:
            fresh.append(job)
    if duplicates:
        outcomes.mark_finished_all(connection, duplicates)
    return fresh


def _call_in_savepoint(outcomes, session, connection, jobs):
    claims = [claim for claim, _event, _handler in jobs]
    savepoint = session.begin_nested()
    try:
        jobs[0][2].handler([event for _claim, event, _handler in jobs], session)
        session.flush()
        outcomes.mark_processed_all(connection, claims)
        outcomes.mark_finished_all(connection, claims)
        savepoint.commit()
    except Exception:
        savepoint.rollback()
        log.info("batch handler %s raised on %d events: delivering them one at a time", claims[0].handler, len(claims))
        return False
    return True
