"""Notes written by its own event handler (at the event's node) and by a scheduled job (in community
m1) through ``bulk_insert``; the tests create the table."""

from sqlalchemy import Column, Integer, MetaData, String, Table

from core.public import EventHandler, Every, ScheduledJob, bulk_insert, hookimpl

M1 = "c1/s1/m1"
notes = Table(
    "fx_frozen_note",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("org_path", String(300)),
    Column("note", String(100)),
)


def note_event(event, session):
    bulk_insert(session, notes, [{"org_path": event.org_path, "note": "handler"}])


def note_nodes(context):
    """A note in community m1, where the job's scope reaches it."""
    if context.scope.covers(M1):
        bulk_insert(context.session, notes, [{"org_path": M1, "note": "job"}])


@hookimpl
def gridwork_event_handlers():
    return [EventHandler("fx_frozen.noted", "fx_frozen.note_event", note_event, "fx_frozen")]


@hookimpl
def gridwork_scheduled_jobs():
    return [ScheduledJob("fx_frozen.note_nodes", "测试：写便签", Every(5), note_nodes)]
