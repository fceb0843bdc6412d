"""Notes written by its own event handler (at the event's node) and by a scheduled job (in community
m1) through ``bulk_insert``; an event ``改`` or ``删`` and the jobs ``edit_m1`` and ``clear_m1``
change or delete the notes at a node through UPDATE and DELETE statements instead (only notes
reading ``待改`` and ``待删``, so the other tests' notes stay as they are). The tests create the
table."""

from sqlalchemy import Column, Integer, MetaData, String, Table, delete, update

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
    if event.payload["text"] in ("改", "删"):
        change(session, event.org_path, event.payload["text"])
    else:
        bulk_insert(session, notes, [{"org_path": event.org_path, "note": "handler"}])


def change(session, org_path, what):
    if what == "改":
        session.execute(update(notes).where(notes.c.org_path == org_path, notes.c.note == "待改").values(note="改过"))
    else:
        session.execute(delete(notes).where(notes.c.org_path == org_path, notes.c.note == "待删"))


def note_nodes(context):
    """A note in community m1, where the job's scope reaches it."""
    if context.scope.covers(M1):
        bulk_insert(context.session, notes, [{"org_path": M1, "note": "job"}])


def edit_m1(context):
    if context.scope.covers(M1):
        change(context.session, M1, "改")


def clear_m1(context):
    if context.scope.covers(M1):
        change(context.session, M1, "删")


@hookimpl
def gridwork_event_handlers():
    return [EventHandler("fx_frozen.noted", "fx_frozen.note_event", note_event, "fx_frozen")]


@hookimpl
def gridwork_scheduled_jobs():
    return [
        ScheduledJob("fx_frozen.note_nodes", "测试：写便签", Every(5), note_nodes),
        ScheduledJob("fx_frozen.edit_m1", "测试：改便签", Every(5), edit_m1),
        ScheduledJob("fx_frozen.clear_m1", "测试：删便签", Every(5), clear_m1),
    ]
