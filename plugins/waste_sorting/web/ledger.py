"""Household points: the masked points wall, awarding points to a household (households
come from resident_info through ``call_service``), the community's ledger with its
corrections, and the community's rules and county's wall setting."""

from flask import flash, redirect, request, url_for

from core.public import (
    ApiError,
    ServiceUnavailable,
    call_service,
    current_actor,
    get_session,
    not_found,
    require,
    scope_for,
)
from plugins.waste_sorting.ledger import services
from plugins.waste_sorting.ledger import wall as points_wall
from plugins.waste_sorting.lookup import get_in_scope
from plugins.waste_sorting.models import PointsEntry
from plugins.waste_sorting.permissions import AWARD, MANAGE, READ
from plugins.waste_sorting.places import county_of
from plugins.waste_sorting.web.common import chosen, community_choices, render


@require(READ)
def wall():
    db, scope = get_session(), scope_for(current_actor, READ)
    choices = community_choices(db, scope)
    community = chosen(choices, request.args.get("community"))
    rows = points_wall.wall(db, scope, community.path, limit=100) if community else []
    return render(
        "wall.html",
        rows=rows,
        choices=choices,
        community=community,
        can_award=bool(community and scope_for(current_actor, AWARD).covers(community.path)),
    )


@require(AWARD)
def award():
    db, scope = get_session(), scope_for(current_actor, AWARD)
    choices = community_choices(db, scope)
    community = chosen(choices, request.values.get("community"))
    households = _households(community.path) if community else []
    error, status = None, 200
    if request.method == "POST":
        wanted = request.form.get("household_id", "")
        household = next((h for h in households if str(h["id"]) == wanted), None)
        try:
            if household is None:
                raise ApiError(422, "户：请从列表中选择一户。", pointer="/household_id")
            action = request.form.get("action", "")
            if action not in services.ACTIONS:
                raise ApiError(422, "积分项目：请选择一项。", pointer="/action")
            entry = services.award(db, household, action, current_actor, reason=request.form.get("reason", ""))
            db.commit()
            flash(f"已为该户记 {entry.points} 分。", "success")
            return redirect(url_for(".award", community=community.path), 303)
        except ApiError as problem:
            db.rollback()
            error, status = problem.detail, 422
    points, cap = services.rule_of(db, community.path) if community else ({}, 0)
    return render(
        "award.html",
        choices=choices,
        community=community,
        households=households,
        error=error,
        actions=services.ACTIONS,
        points=points,
        cap=cap,
        mask=_mask(db, community),
    ), status


@require(READ)
def ledger():
    db, scope = get_session(), scope_for(current_actor, READ)
    choices = community_choices(db, scope)
    community = chosen(choices, request.args.get("community"))
    entries = services.entries(db, scope, community.path) if community else []
    return render(
        "ledger.html",
        entries=entries,
        choices=choices,
        community=community,
        mask=_mask(db, community),
        can_correct=bool(community and scope_for(current_actor, AWARD).covers(community.path)),
        label=points_wall.household_label,
        actions=services.ACTIONS,
    )


@require(AWARD)
def reverse(entry_id):
    db, scope = get_session(), scope_for(current_actor, AWARD)
    entry = get_in_scope(db, PointsEntry, entry_id, scope)
    try:
        services.reverse(db, scope, entry.org_path, entry.seq, request.form.get("reason", ""), current_actor)
        db.commit()
        flash("已更正：记了一笔相反的积分。", "success")
    except ApiError as problem:
        db.rollback()
        flash(problem.detail, "error")
    return redirect(url_for(".ledger", community=entry.org_path), 303)


@require(MANAGE)
def settings():
    db, scope = get_session(), scope_for(current_actor, MANAGE)
    choices = community_choices(db, scope)
    community = chosen(choices, request.values.get("community"))
    if community is None:
        raise not_found()
    if request.method == "POST":
        points = {a: _bounded(request.form.get(f"points_{a}"), 0, 100, title) for a, title in services.ACTIONS.items()}
        cap = _bounded(request.form.get("daily_cap"), 1, 1000, "每日上限")
        services.save_rule(db, community.path, points, cap, current_actor)
        mask = request.form.get("mask")
        county = county_of(community.path)
        if mask in points_wall.MASKS and scope.covers(county):
            points_wall.save_mask(db, county, mask, current_actor)
        db.commit()
        flash("积分规则已保存。", "success")
        return redirect(url_for(".settings", community=community.path), 303)
    points, cap = services.rule_of(db, community.path)
    return render(
        "settings.html",
        choices=choices,
        community=community,
        points=points,
        cap=cap,
        actions=services.ACTIONS,
        masks=points_wall.MASKS,
        mask=_mask(db, community),
        can_mask=scope.covers(county_of(community.path)),
    )


def _households(community):
    try:
        return call_service("resident_info.households_in", org_path=community, actor=current_actor)
    except ServiceUnavailable:
        return []


def _mask(db, community):
    return points_wall.mask_of(db, county_of(community.path)) if community else "surname"


def _bounded(value, low, high, title):
    value = (value or "").strip()
    if not value.isdigit() or not low <= int(value) <= high:
        raise ApiError(422, f"{title}：须为 {low}–{high} 的整数。", pointer="/" + title)
    return int(value)


def add_routes(pages, api):
    pages.add_url_rule("/wall", "wall", wall)
    pages.add_url_rule("/award", "award", award, methods=["GET", "POST"])
    pages.add_url_rule("/ledger", "ledger", ledger)
    pages.add_url_rule("/ledger/<int:entry_id>/reverse", "reverse", reverse, methods=["POST"])
    pages.add_url_rule("/settings", "settings", settings, methods=["GET", "POST"])
