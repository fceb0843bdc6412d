"""Escalations (升级提醒): "if this object is still open at ``at``, notify package P at node N".

A plugin schedules one inside its business transaction and calls ``object_closed`` when the
object is dealt with; the core's job ``core.escalations`` (every minute) fires the due ones.
Firing claims each row with a conditional UPDATE … RETURNING, so a run repeated by hand
(``gridwork jobs run core.escalations --again``) or racing another process never sends a
notice twice. An escalation whose plugin is switched off at its node waits: it fires when
the plugin is switched on again, unless the object was closed meanwhile.
"""

from sqlalchemy import insert, literal, update
from sqlalchemy import select as table_select
from sqlmodel import select

from core.audit.chain import record_audits
from core.db import system_query
from core.inbox.models import CANCELLED, FIRED, PENDING, SEVERITIES, Escalation, Notice
from core.inbox.notices import close_notices
from core.inbox.recipients import where_plugin_is_on
from core.state import state_of
from core.tree.paths import is_valid_path

BATCH = 500
AUDIT_ACTOR = "定时任务"
ESC = Escalation.__table__
NOTICE = Notice.__table__


def escalate_if_open(
    session, *, plugin, object_type, object_id, at, package, org_path, title, link="", severity="warning"
):
    """Schedule a notice to ``package`` at ``org_path`` at time ``at`` (aware) unless the
    object closes first. Written in the caller's transaction."""
    if not is_valid_path(org_path):
        raise ValueError(f"升级提醒的组织路径无效：{org_path!r}")
    if severity not in SEVERITIES or at.tzinfo is None or not title:
        raise ValueError("升级提醒须有标题、带时区的时间和有效的紧急程度")
    escalation = Escalation(
        plugin=plugin,
        object_type=object_type,
        object_id=str(object_id),
        org_path=org_path,
        package=package,
        fire_at=at,
        title=title[:200],
        link=link,
        severity=severity,
    )
    session.add(escalation)
    session.flush()
    return escalation


def object_closed(session, plugin, object_type, object_id, by=""):
    """The object was dealt with: cancel its pending escalations and settle its open notices.
    Returns (escalations cancelled, notices settled)."""
    cancelled = session.execute(
        update(ESC)
        .where(
            ESC.c.plugin == plugin,
            ESC.c.object_type == object_type,
            ESC.c.object_id == str(object_id),
            ESC.c.status == PENDING,
        )
        .values(status=CANCELLED, fired_at=None)
    ).rowcount
    return cancelled, close_notices(session, plugin, object_type, object_id, by=by)


def fire_due(session, now, batch=BATCH):
    """Turn every escalation due at ``now`` into a notice; returns how many fired."""
    fired = 0
    while True:
        ids = session.exec(_due_ids(now, batch)).all()
        if not ids:
            return fired
        rows = _claim(session, ids, now)
        _send(session, rows, now)
        fired += len(rows)


def _due_ids(now, batch):
    statement = (
        select(Escalation.id)
        .where(Escalation.status == PENDING, Escalation.fire_at <= now, where_plugin_is_on(state_of(), Escalation))
        .order_by(Escalation.fire_at, Escalation.id)
        .limit(batch)
    )
    return system_query(statement, "the scheduler fires escalations on every node")


def _claim(session, ids, now):
    # Only what the audit entries need comes back: the notices are copied by the database.
    claimed = (
        update(ESC)
        .where(ESC.c.id.in_(ids), ESC.c.status == PENDING)
        .values(status=FIRED, fired_at=now)
        .returning(ESC.c.id, ESC.c.plugin, ESC.c.object_type, ESC.c.object_id, ESC.c.org_path, ESC.c.package)
    )
    return session.execute(claimed).all()


def _send(session, rows, now):
    """One notice per claimed escalation, copied set-wise (INSERT … SELECT): no Python per row."""
    if not rows:
        return
    session.execute(_copy_as_notices([row.id for row in rows], now))
    record_audits(session, _audit_entries(rows), actor=AUDIT_ACTOR)


def _copy_as_notices(ids, now):
    source = table_select(
        ESC.c.plugin,
        ESC.c.title,
        ESC.c.link,
        ESC.c.severity,
        ESC.c.org_path,
        ESC.c.package,
        ESC.c.object_type,
        ESC.c.object_id,
        literal(now, NOTICE.c.created_at.type),
        literal("open"),
        literal(""),
    ).where(ESC.c.id.in_(ids))
    columns = ("plugin", "title", "link", "severity", "org_path", "to_package", "object_type", "object_id")
    columns += ("created_at", "status", "closed_by")
    return insert(NOTICE).from_select(columns, source)


def _audit_entries(rows):
    """One entry per node and batch, naming every escalation fired there: the trail of a
    community shows what reached it, without 10,000 near-identical entries for a busy night."""
    by_node = {}
    for row in rows:
        by_node.setdefault(row.org_path, []).append(row)
    return [
        {
            "action": "core.escalation_fired",
            "target": f"{fired[0].plugin}:{fired[0].object_type}" if len(fired) == 1 else "escalations",
            "org_path": org_path,
            "detail": {
                "count": len(fired),
                "escalations": [row.id for row in fired],
                "objects": [f"{row.plugin}:{row.object_type}:{row.object_id}" for row in fired],
                "packages": sorted({row.package for row in fired}),
            },
        }
        for org_path, fired in sorted(by_node.items())
    ]
