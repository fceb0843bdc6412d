"""Issuing, lifting and reading alerts. Issue and lift publish their event in the same
transaction (the event bus's outbox), so a plugin hears of every alert that exists."""

from datetime import timedelta

from sqlalchemy import and_, or_
from sqlmodel import select

from core.alerts.models import EXPIRED, KINDS, LIFTED, MESSAGE_MAX, Alert
from core.api.errors import ServiceError
from core.api.text import clean_text
from core.audit.chain import record_audit
from core.db import system_query
from core.events.publish import publish
from core.orgs.service import org_node_at
from core.timeutil import isoformat, utcnow
from core.tree.paths import ancestors_and_self
from core.tree.scope import DataScope, scoped

DEFAULT_DURATION = timedelta(hours=24)
LONGEST = timedelta(days=30)
ISSUE = "core.alert_issue"


def issue_alert(session, actor, scope, *, kind, org_path, message, starts_at=None, ends_at=None):
    """A new alert over ``org_path``'s subtree; ``scope`` is where ``actor`` may issue."""
    starts_at = starts_at or utcnow()
    ends_at = ends_at or starts_at + DEFAULT_DURATION
    _check(session, scope, kind, org_path, starts_at, ends_at)
    alert = Alert(
        kind=kind,
        org_path=org_path,
        message=_clean_message(message),
        starts_at=starts_at,
        ends_at=ends_at,
        issued_by=actor.username,
    )
    session.add(alert)
    session.flush()
    publish(session, "core.alert_issued", issued_payload(alert), org_path=org_path, actor=actor.username)
    record_audit(
        session,
        "core.alert_issued",
        actor=actor.username,
        target=f"alert:{alert.id}",
        org_path=org_path,
        detail={"kind": kind, "ends_at": isoformat(ends_at)},
    )
    return alert


def _check(session, scope, kind, org_path, starts_at, ends_at):
    if kind not in KINDS:
        raise ServiceError(422, "请选择预警类型。", "/kind")
    if not scope.covers(org_path) or org_node_at(session, org_path) is None:
        raise ServiceError(422, "请选择您管辖范围内的预警区域。", "/org_path")
    if ends_at <= starts_at:
        raise ServiceError(422, "截止时间须晚于开始时间。", "/ends_at")
    if ends_at - starts_at > LONGEST:
        raise ServiceError(422, "预警最长 30 天，到期后可重新发布。", "/ends_at")
    if ends_at <= utcnow():
        raise ServiceError(422, "截止时间已过，请重新选择。", "/ends_at")


def _clean_message(message):
    """Each line cleaned like any display text; the line breaks themselves are kept."""
    if not isinstance(message, str):
        raise ServiceError(422, "请填写预警内容。", "/message")
    lines = [
        clean_text(line, label="预警内容", pointer="/message", max_length=MESSAGE_MAX, required=False)
        for line in message.splitlines()
    ]
    text = "\n".join(line for line in lines if line)
    if not text:
        raise ServiceError(422, "请填写预警内容。", "/message")
    if len(text) > MESSAGE_MAX:
        raise ServiceError(422, f"预警内容不能超过 {MESSAGE_MAX} 个字符。", "/message")
    return text


def lift_alert(session, actor, alert):
    """End ``alert`` now (False if it already ended)."""
    if alert.lifted_at is not None:
        return False
    _end(session, alert, LIFTED, actor.username)
    record_audit(
        session, "core.alert_lifted", actor=actor.username, target=f"alert:{alert.id}", org_path=alert.org_path
    )
    return True


def _end(session, alert, reason, by):
    alert.lifted_at, alert.lifted_by, alert.lift_reason = utcnow(), by, reason
    session.add(alert)
    session.flush()
    payload = {"alert_id": alert.id, "kind": alert.kind, "area": alert.org_path, "reason": reason}
    publish(session, "core.alert_lifted", payload, org_path=alert.org_path, actor=by)


def expire_alerts(session, now):
    """Announce the end of every alert whose deadline passed (job ``core.alert_expiry``)."""
    due = session.exec(
        system_query(
            select(Alert).where(Alert.lifted_at.is_(None), Alert.ends_at <= now),
            "alert deadlines lapse on every node",
        )
    ).all()
    for alert in due:
        _end(session, alert, EXPIRED, "到期")
    return len(due)


def issued_payload(alert):
    return {
        "alert_id": alert.id,
        "kind": alert.kind,
        "area": alert.org_path,
        "message": alert.message,
        "starts_at": isoformat(alert.starts_at),
        "ends_at": isoformat(alert.ends_at),
    }


def in_force(now):
    return and_(Alert.lifted_at.is_(None), Alert.starts_at <= now, Alert.ends_at > now)


def alerts_reaching(session, paths, now=None):
    """Alerts in force over any of ``paths`` (a user's grant nodes): issued for the node, an
    ancestor of it, or somewhere below it — a county admin sees a street's heat wave too."""
    if not paths:
        return []
    above = {ancestor for path in paths for ancestor in ancestors_and_self(path)}
    reaching = or_(Alert.org_path.in_(sorted(above)), DataScope(tuple(sorted(paths))).clause(Alert.org_path))
    statement = select(Alert).where(in_force(now or utcnow()), reaching).order_by(Alert.ends_at)
    return session.exec(system_query(statement, "an alert reaches everyone below its area")).all()


def alerts_issued_in(session, scope, limit=50):
    """Alerts over nodes inside ``scope`` (the alerts page): in force first, then newest."""
    now = utcnow()
    statement = scoped(select(Alert), scope, Alert.org_path)
    current = session.exec(statement.where(in_force(now)).order_by(Alert.ends_at)).all()
    past = session.exec(statement.where(~in_force(now)).order_by(Alert.id.desc()).limit(limit)).all()
    return current, past


def alert_in(session, scope, alert_id):
    return session.exec(scoped(select(Alert), scope, Alert.org_path).where(Alert.id == alert_id)).first()
