"""Escalations: 10,000 due escalations turned into notices by the core's job, against a bare
loop doing the same UPDATEs and notice INSERTs.

Ours: ``core.inbox.escalations.fire_due`` — select the due rows (with the "plugin switched on
at the node" clause), claim them with ``UPDATE … RETURNING`` in batches of 500, copy the
claimed rows into notices with one ``INSERT … SELECT`` per batch, append the audit entries to
the hash chain (one per node and batch of 500, naming every escalation fired there) — one
transaction, through a real ``create_app`` session. Floor: ``sqlite3`` on the same file, one
transaction, a Python loop over the same due rows issuing one ``UPDATE core_escalation`` and
one ``INSERT INTO core_notice`` per row (no audit, no claim check). Both start from the same
10,000 pending rows, rebuilt before each round; rounds alternate floor/ours; medians
reported. Goal: ours/floor ≥ 0.3.

    .venv/bin/python bench/escalations.py          # options: --escalations 10000 --rounds 3
"""

import argparse
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta

from _common import app_config, emit_json, machine_line, median
from sqlalchemy import insert, text

from core.app import create_app
from core.db import GridworkSession, engine_of, session_scope
from core.inbox.escalations import fire_due
from core.inbox.models import Escalation
from core.migrate import upgrade
from core.tree.models import OrgNode

GOAL = 0.3
NOW = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
COMMUNITIES = [f"c01/s01/m{number:02d}" for number in range(1, 21)]
NOTICE_INSERT = (
    "INSERT INTO core_notice (plugin, title, link, severity, org_path, to_user_id, to_package, object_type,"
    " object_id, due_at, created_at, status, closed_at, closed_by) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, NULL, ?,"
    " 'open', NULL, '')"
)


def build(directory):
    config = app_config(directory)
    upgrade(config["DATABASE_URL"])
    app = create_app(config)
    with app.app_context(), session_scope(app) as db:
        db.add(OrgNode(id="c01", parent_id=None, kind="county", name="示范县", path="c01", depth=0))
        db.add(OrgNode(id="s01", parent_id="c01", kind="street", name="东湖街道", path="c01/s01", depth=1))
        for path in COMMUNITIES:
            node = path.rsplit("/", 1)[1]
            db.add(OrgNode(id=node, parent_id="s01", kind="community", name=node, path=path, depth=2))
    return app


def reset(app, count):
    """``count`` pending escalations due before NOW; no notices."""
    rows = [
        {
            "plugin": "core",
            "object_type": "task",
            "object_id": str(number),
            "org_path": COMMUNITIES[number % len(COMMUNITIES)],
            "package": "community_admin",
            "fire_at": NOW - timedelta(minutes=1),
            "title": f"整改超期未完成 {number}",
            "link": f"/tasks/{number}",
            "severity": "warning",
            "status": "pending",
            "created_at": NOW - timedelta(days=2),
            "fired_at": None,
        }
        for number in range(count)
    ]
    with engine_of(app).begin() as connection:
        for table in ("core_notice_read", "core_notice", "core_escalation"):
            connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(insert(Escalation.__table__), rows)


def ours(app):
    with app.app_context(), GridworkSession(engine_of(app)) as db:
        started = time.perf_counter()
        fired = fire_due(db, NOW)
        db.commit()
        return fired, time.perf_counter() - started


def floor(path):
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    due = connection.execute(
        "SELECT id, plugin, title, link, severity, org_path, package, object_type, object_id FROM core_escalation"
        " WHERE status = 'pending' AND fire_at <= ? ORDER BY fire_at, id",
        (NOW.replace(tzinfo=None).isoformat(sep=" "),),
    ).fetchall()
    stamp = NOW.replace(tzinfo=None).isoformat(sep=" ")
    for row_id, plugin, title, link, severity, org_path, package, object_type, object_id in due:
        connection.execute("UPDATE core_escalation SET status = 'fired', fired_at = ? WHERE id = ?", (stamp, row_id))
        connection.execute(
            NOTICE_INSERT, (plugin, title, link, severity, org_path, package, object_type, object_id, stamp)
        )
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return len(due), elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--escalations", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(machine_line())
    with tempfile.TemporaryDirectory() as directory:
        app = build(directory)
        path = app_config(directory)["DATABASE_URL"].removeprefix("sqlite:///")
        floors, ours_times = [], []
        for round_number in range(args.rounds):
            reset(app, args.escalations)
            done, seconds = floor(path)
            floors.append(seconds)
            reset(app, args.escalations)
            fired, ours_seconds = ours(app)
            ours_times.append(ours_seconds)
            if done != args.escalations or fired != args.escalations:
                raise SystemExit(f"expected {args.escalations} fired, floor {done}, ours {fired}")
            print(f"  round {round_number + 1}: floor {seconds:.2f} s, ours {ours_seconds:.2f} s")
        ratio = median(floors) / median(ours_times)
        print(
            f"{args.escalations:,} escalations: floor {median(floors):.2f} s, ours {median(ours_times):.2f} s "
            f"(audited per node and batch) → {ratio:.2f} of the floor (goal ≥ {GOAL})"
        )
        emit_json(
            "escalations",
            floor_s=round(median(floors), 3),
            ours_s=round(median(ours_times), 3),
            ratio=round(ratio, 3),
            goal=GOAL,
        )


if __name__ == "__main__":
    main()
