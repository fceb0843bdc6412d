"""What a plugin declares (``ScheduledJob``) and what its function is given (``JobContext``)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ScheduledJob:
    """``name`` is ``<plugin>.<job>``; ``run(context)`` does the work in ``context.session``,
    whose transaction commits together with the record that the period ran — so a run that
    dies half-way leaves nothing, and the period runs again elsewhere. A job that commits on
    its own (in chunks) must make each chunk safe to repeat."""

    name: str
    title: str  # Chinese, for the jobs page
    schedule: Any  # Every | Daily | Quarterly (core.scheduler.schedules)
    run: Callable[["JobContext"], Any]


@dataclass(frozen=True)
class JobContext:
    session: Any
    now: datetime  # the clock's now when the run started (aware, UTC)
    period: datetime  # the start of the period being run (aware, local zone)
    scope: Any  # DataScope: the nodes where the job's plugin is enabled (the whole tree for the core)
