"""Scheduled jobs whose every run leaves an audit entry naming its period and scope, so a
test can count runs per period. ``BEHAVIOUR`` makes runs fail or linger (a forked worker
inherits it)."""

import time

from core.public import Daily, Every, ScheduledJob, hookimpl, record_audit

BEHAVIOUR = {"failures_left": 0, "linger_seconds": 0.0, "linger_every": 0}


def tally(context, action="fx_jobs.tallied"):
    if BEHAVIOUR["failures_left"] > 0:
        BEHAVIOUR["failures_left"] -= 1
        raise RuntimeError("模拟故障：网络中断")
    record_audit(
        context.session,
        action,
        actor="scheduler",
        target=f"fx_jobs:{context.period.isoformat()}",
        org_path="",
        detail={"period": context.period.isoformat(), "scope": list(context.scope.paths)},
    )
    every = BEHAVIOUR["linger_every"]
    if every and context.period.minute % every == 0:
        time.sleep(BEHAVIOUR["linger_seconds"])  # the window a kill must hit: work done, not committed


@hookimpl
def gridwork_scheduled_jobs():
    return [
        ScheduledJob("fx_jobs.tally", "每分钟计数", Every(1), tally),
        ScheduledJob("fx_jobs.nightly", "夜间汇总", Daily("02:30"), lambda context: tally(context, "fx_jobs.summed")),
    ]
