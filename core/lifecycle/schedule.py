"""The county cut's later steps: the core's scheduled job freezes and retires on the dates the
cut planned (by the one clock, so tests move it)."""

from core.lifecycle import service
from core.lifecycle.models import FLAGGED, FROZEN
from core.lifecycle.states import live_steps
from core.timeutil import as_aware

SCHEDULER = "scheduler"  # the actor named in the audit trail


def run_planned_steps(session, now):
    """Freeze what is due to freeze and retire what is due to retire; returns how many steps ran."""
    ran = 0
    for step in live_steps(session):
        if step.state == FLAGGED and step.freeze_on and as_aware(step.freeze_on) <= now:
            service.freeze(session, step.plugin, step.org_path, SCHEDULER)
            ran += 1
        if step.state in (FLAGGED, FROZEN) and step.retire_on and as_aware(step.retire_on) <= now:
            service.retire(session, step.plugin, step.org_path, SCHEDULER)
            ran += 1
    return ran
