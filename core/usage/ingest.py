"""Counting the spool into the database, exactly once.

For each spool file: read the complete lines after the offset already counted, add them up,
and in ONE transaction add the counts and move the offset — by a compare-and-set on the old
offset, so two processes ingesting the same file at once cannot both count it (the loser's
transaction is rolled back). A process killed before the commit leaves the offset where it
was: the lines are counted by the next ingest, once. A file whose writer moved on (its last
line is the end marker) or died is deleted when fully counted.
"""

import json
import logging
from collections import Counter
from datetime import date

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.db import session_scope
from core.usage.models import (
    ScenarioUseCount,
    ScenarioUserDay,
    UsageCount,
    UsageFormField,
    UsageSpoolOffset,
    UsageUserDay,
)
from core.usage.spool import END, spool_folder, writer_is_gone
from core.usage.upsert import add_counts, insert_missing

log = logging.getLogger(__name__)
OFFSETS = UsageSpoolOffset.__table__
MAX_BYTES = 8 * 1024 * 1024  # per file and ingest: a big backlog goes in several transactions


def ingest_spool(app):
    """Count every spool file in this machine's spool folder; returns the lines counted."""
    folder = spool_folder(app)
    if not folder.is_dir():
        return 0
    counted = 0
    for file in sorted(folder.glob("*.jsonl")):
        try:
            counted += _ingest_file(app, file)
        except FileNotFoundError:
            continue  # another process finished and deleted it meanwhile
    return counted


def _ingest_file(app, file):
    with session_scope(app) as session:
        known = session.execute(select(OFFSETS.c.offset).where(OFFSETS.c.file == file.name)).scalar()
    offset = known or 0
    with open(file, "rb") as handle:
        handle.seek(offset)
        chunk = handle.read(MAX_BYTES)
    complete = chunk[: chunk.rfind(b"\n") + 1]
    if not complete:
        _forget_if_finished(app, file, offset, finished=writer_is_gone(file.name))
        return 0
    lines = complete.splitlines(keepends=True)
    if not _commit(app, file.name, known, offset + len(complete), lines):
        return 0
    _forget_if_finished(app, file, offset + len(complete), finished=lines[-1] == END or writer_is_gone(file.name))
    return len(lines)


def _commit(app, name, known, new_offset, lines):
    counts, users, fields, scenario_counts, scenario_users = _tally(lines)
    try:
        with session_scope(app) as session:
            if known is None:
                session.execute(insert(OFFSETS).values(file=name, offset=new_offset))
            elif not session.execute(
                update(OFFSETS).where(OFFSETS.c.file == name, OFFSETS.c.offset == known).values(offset=new_offset)
            ).rowcount:
                session.rollback()
                return False  # another process counted these lines first
            add_counts(session, UsageCount.__table__, counts, "n")
            insert_missing(session, UsageUserDay.__table__, users)
            add_counts(session, UsageFormField.__table__, fields, "shown", "filled")
            add_counts(session, ScenarioUseCount.__table__, scenario_counts, "n")
            insert_missing(session, ScenarioUserDay.__table__, scenario_users)
            session.commit()
    except IntegrityError:
        return False  # another process inserted the first offset row of this file
    return True


def _tally(lines):
    counts, users, shown, filled = Counter(), set(), Counter(), Counter()
    scenario_counts, scenario_users = Counter(), set()
    for raw in lines:
        if raw == END:
            continue
        try:
            kind, day, node, plugin, *rest = (
                raw.decode().rstrip("\n").split("\t") if raw[1:2] == b"\t" else json.loads(raw)
            )
        except ValueError:
            log.warning("usage spool: skipped an unreadable line")
            continue
        day = date.fromisoformat(day)
        if kind == "a":
            counts[(day, node, plugin, rest[0])] += 1
            users.add((day, node, plugin, int(rest[1])))
        elif kind == "s":  # here ``plugin`` holds the scenario id, rest its kind and the user
            scenario_counts[(day, node, plugin, rest[0])] += 1
            if int(rest[1]):  # a trigger run (user 0) is use, but nobody in particular
                scenario_users.add((day, node, plugin, int(rest[1])))
        elif kind == "f":
            form, offered, answered = rest[0][:120], rest[1], set(rest[2])
            for field in offered:
                shown[(day, node, plugin, form, field[:120])] += 1
                filled[(day, node, plugin, form, field[:120])] += field in answered
    return (
        [dict(day=d, org_path=n, plugin=p, action=a, n=c) for (d, n, p, a), c in counts.items()],
        [dict(day=d, org_path=n, plugin=p, user_id=u) for d, n, p, u in users],
        [
            dict(day=d, org_path=n, plugin=p, form=f, field=x, shown=c, filled=filled[(d, n, p, f, x)])
            for (d, n, p, f, x), c in shown.items()
        ],
        [dict(day=d, org_path=n, scenario=s, kind=k, n=c) for (d, n, s, k), c in scenario_counts.items()],
        [dict(day=d, org_path=n, scenario=s, user_id=u) for d, n, s, u in scenario_users],
    )


def _forget_if_finished(app, file, offset, finished):
    if not finished or file.stat().st_size > offset:
        return
    with session_scope(app) as session:
        session.execute(delete(OFFSETS).where(OFFSETS.c.file == file.name))
        session.commit()
    file.unlink(missing_ok=True)
