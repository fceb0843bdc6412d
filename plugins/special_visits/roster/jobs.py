"""The plugin's scheduled jobs, by the core's clock: the nightly rebuild, the overdue check
(every 15 minutes) and reassignment after grants change (every 15 minutes; grants publish no
event, so the job compares each grid's worker with the entries' assignee)."""

from core.public import Every, ScheduledJob, session_scope
from plugins.special_visits.groups.services import ensure_default_groups
from plugins.special_visits.roster.assign import reassign_all
from plugins.special_visits.roster.overdue import OVERDUE_JOB
from plugins.special_visits.roster.rebuild import REBUILD_JOB


def reassign(context):
    reassign_all(context.session, context.scope)


def seed_defaults_at(county_path):
    with session_scope() as db:
        ensure_default_groups(db, county_path)


REASSIGN_JOB = ScheduledJob("special_visits.reassign", "按授权变化调整走访人", Every(15), reassign)
JOBS = [REBUILD_JOB, OVERDUE_JOB, REASSIGN_JOB]
