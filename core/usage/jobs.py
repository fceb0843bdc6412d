"""The core's usage jobs: the nightly rollup and the quarterly slimming-list snapshot."""

from flask import current_app

from core.timeutil import clock
from core.usage.ingest import ingest_spool
from core.usage.rollup import roll_up
from core.usage.snapshots import take_snapshots


def roll_up_usage(context):
    """Count what this machine's spool still holds (its own transactions), then recompute the
    last days' daily and weekly rows in the job's transaction."""
    ingest_spool(current_app._get_current_object())
    return roll_up(context.session, clock.local(context.now).date())


def snapshot_slimming_lists(context):
    return take_snapshots(context.session, clock.local(context.now).date())
