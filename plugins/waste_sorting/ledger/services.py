"""Household points (积分): awarded by a community's rules (points per action, a daily cap
per household), corrected only by a reversing entry with a reason, never edited. Every
change is one ledger entry, one audit entry and one ``points_awarded`` event, so other
modules can react — and award points themselves through the ``waste_sorting.award_points``
service."""

from sqlalchemy import func
from sqlmodel import select

from core.public import ApiError, DataScope, clock, not_found, publish, record_audit, scope_of_model, utcnow
from plugins.waste_sorting.ledger import chain
from plugins.waste_sorting.models import PointsEntry, PointsRule
from plugins.waste_sorting.permissions import PLUGIN
from plugins.waste_sorting.places import community_of

ACTIONS = {"correct_sorting": "检查时分类正确", "supervisor_report": "督导员报告分类正确"}
DEFAULT_POINTS = {"correct_sorting": 2, "supervisor_report": 1}
DEFAULT_CAP = 5
REASON_MAX = 200


def rule_of(db, community):
    statement = scope_of_model(
        select(PointsRule).where(PointsRule.org_path == community), DataScope((community,)), PointsRule
    )
    rule = db.exec(statement).first()
    points = {**DEFAULT_POINTS, **(rule.points_per_action if rule else {})}
    return points, (rule.daily_cap if rule else DEFAULT_CAP)


def save_rule(db, community, points_per_action, daily_cap, actor):
    statement = scope_of_model(
        select(PointsRule).where(PointsRule.org_path == community), DataScope((community,)), PointsRule
    )
    rule = db.exec(statement).first() or PointsRule(org_path=community)
    rule.points_per_action, rule.daily_cap = dict(points_per_action), daily_cap
    rule.updated_by, rule.updated_at = actor.username, utcnow()
    db.add(rule)
    record_audit(
        db,
        f"{PLUGIN}.settings_saved",
        actor=actor.username,
        target=f"{PLUGIN}_points_rule:{community}",
        org_path=community,
        detail={"points": dict(points_per_action), "daily_cap": daily_cap},
    )
    return rule


def award(db, household, action, actor, *, inspection_id=None, points=None, reason=""):
    """Points for ``household`` (``{"id", "org_path", "surname", "house"}``, from resident_info)
    for ``action``; the rule's points unless a service caller names its own. Trimmed to what
    the daily cap leaves; 422 when nothing is left today."""
    community = community_of(household["org_path"])
    rule_points, cap = rule_of(db, community)
    wanted = points if points is not None else rule_points.get(action)
    if not wanted or wanted < 1:
        raise ApiError(422, "积分项目：本社区未给这一项设积分。", pointer="/action")
    left = cap - earned_today(db, community, household["id"])
    if left <= 0:
        raise ApiError(422, f"该户今日积分已达上限（{cap} 分）。", pointer="/household_id")
    entry = chain.append(
        db,
        community,
        household_id=household["id"],
        surname=(household.get("surname") or "")[:1],
        house=(household.get("house") or "")[:60],
        points=min(wanted, left),
        action=action[:40],
        reason=(reason or "")[:REASON_MAX],
        inspection_id=inspection_id,
        reverses_seq=None,
        actor=actor.username,
    )
    _announce(db, entry, "points_awarded", actor)
    return entry


def reverse(db, scope, community, seq, reason, actor):
    """A new entry cancelling entry ``seq`` of ``community`` — the only way to correct one."""
    reason = (reason or "").strip()
    if not reason:
        raise ApiError(422, "更正理由：请填写为什么更正。", pointer="/reason")
    original = find_entry(db, scope, community, seq)
    if original.reverses_seq is not None or _already_reversed(db, community, seq):
        raise ApiError(409, "这条积分已经更正过（或本身就是更正），不能再更正。", pointer="/seq")
    entry = chain.append(
        db,
        community,
        household_id=original.household_id,
        surname=original.surname,
        house=original.house,
        points=-original.points,
        action="reversal",
        reason=reason[:REASON_MAX],
        inspection_id=original.inspection_id,
        reverses_seq=original.seq,
        actor=actor.username,
    )
    _announce(db, entry, "points_reversed", actor)
    return entry


def find_entry(db, scope, community, seq):
    if not scope.covers(community):
        raise not_found()
    statement = scope_of_model(
        select(PointsEntry).where(PointsEntry.org_path == community, PointsEntry.seq == seq), scope, PointsEntry
    )
    entry = db.exec(statement).first()
    if entry is None:
        raise not_found()
    return entry


def entries(db, scope, community, limit=100):
    statement = scope_of_model(select(PointsEntry).where(PointsEntry.org_path == community), scope, PointsEntry)
    return db.exec(statement.order_by(PointsEntry.seq.desc()).limit(limit)).all()


def earned_today(db, community, household_id):
    statement = select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
        PointsEntry.org_path == community,
        PointsEntry.household_id == household_id,
        PointsEntry.local_day == clock.local(utcnow()).date(),
        PointsEntry.points > 0,
    )
    return db.exec(scope_of_model(statement, DataScope((community,)), PointsEntry)).one()


def _already_reversed(db, community, seq):
    statement = select(func.count()).where(PointsEntry.org_path == community, PointsEntry.reverses_seq == seq)
    return db.exec(scope_of_model(statement, DataScope((community,)), PointsEntry)).one() > 0


def _announce(db, entry, audit_action, actor):
    record_audit(
        db,
        f"{PLUGIN}.{audit_action}",
        actor=actor.username,
        target=f"{PLUGIN}_points_entry:{entry.id}",
        org_path=entry.org_path,
        detail={"seq": entry.seq, "points": entry.points, "action": entry.action},
    )
    payload = {
        "entry_seq": entry.seq,
        "household_id": entry.household_id,
        "points": entry.points,
        "action": entry.action,
    }
    publish(db, f"{PLUGIN}.points_awarded", payload, org_path=entry.org_path, actor=actor.username)
