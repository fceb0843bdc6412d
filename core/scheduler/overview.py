"""What the jobs page and ``gridwork jobs list`` show: per job its schedule, the last run (when,
how it ended, its error) and the next period's start — all in the deployment's zone."""

from sqlmodel import select

from core.scheduler.models import STATUS_TITLES, JobRun
from core.state import state_of
from core.timeutil import clock

TIME_FORMAT = "%Y-%m-%d %H:%M"


def job_overview(session, app=None):
    jobs = state_of(app).jobs.values()
    return [_row(session, job) for job in sorted(jobs, key=lambda job: job.name)]


def _row(session, job):
    last = session.exec(select(JobRun).where(JobRun.job == job.name).order_by(JobRun.period.desc())).first()
    return {
        "name": job.name,
        "title": job.title,
        "schedule": job.schedule.describe(),
        "last_period": _local(last.period) if last else None,
        "last_status": STATUS_TITLES.get(last.status, last.status) if last else None,
        "last_finished": _local(last.finished_at) if last and last.finished_at else None,
        "attempts": last.attempts if last else 0,
        "last_error": last.error if last else None,
        "next_run": clock.local(job.schedule.next_start(clock.local())).strftime(TIME_FORMAT),
    }


def _local(value):
    return clock.local(value).strftime(TIME_FORMAT)
