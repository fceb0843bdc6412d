"""Pages: the slimming list (/usage/slimming, with exports), rating a module and reporting a
problem from any of its pages, and the follow-up page of a rating (/usage/ratings/<id>)."""

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.api.errors import ServiceError, not_found
from core.auth.actor import current_actor
from core.db import get_session
from core.permissions.access import can, login_required, require
from core.state import state_of
from core.ui.charts import make_chart
from core.usage import ratings
from core.usage.areas import READ, chosen_area, chosen_period
from core.usage.export import download
from core.usage.listing import slimming_list
from core.usage.meter import scenario_field
from core.usage.ratings_view import rated_module, rating_in_reach, safe_next
from core.usage.slimming import INDICATORS
from core.usage.snapshots import snapshots_of
from core.usage.weights import MANAGE, save_settings

bp = Blueprint("core_usage", __name__)
SORTS = {"score", "actions_per_user_week", "users", "rating", "used_nodes", "trend"}


@bp.app_context_processor
def rating_control():
    """``rated_module()`` for the base layout: the plugin whose page this is (for the rating
    control), or None on core pages; ``module_title(plugin)``: its Chinese title;
    ``scenario_field()``: the hidden field a block's form carries on a scenario's workbench."""
    return {"rated_module": _page_module, "module_title": _module_title, "scenario_field": scenario_field}


@bp.app_template_filter("day_before")
def day_before(day):
    """A period's stored end (the day after its last) as the last day people read."""
    return (day - timedelta(days=1)).isoformat()


def _page_module():
    if not current_actor.is_authenticated:
        return None
    plugin = state_of().blueprint_owners.get(request.blueprint or "")
    if not plugin or plugin == "core" or request.path.startswith("/api/"):
        return None
    return {"plugin": plugin, "title": _module_title(plugin)}


def _module_title(plugin):
    entry = state_of().host.get(plugin)
    return entry.title if entry else plugin


@bp.route("/usage/slimming")
@require(READ)
def slimming():
    db = get_session()
    area, areas = chosen_area(db)
    period = chosen_period()
    listing = slimming_list(db, area.path, period)
    sort = request.args.get("sort", "score")
    if sort in SORTS and sort != "score":
        listing["modules"].sort(key=lambda row: (row[sort] is None, row[sort] or 0), reverse=True)
    return render_template(
        "core/usage/slimming.html",
        listing=listing,
        area=area,
        areas=areas,
        sort=sort,
        chart=_time_chart(listing),
        indicators=INDICATORS,
        may_manage=area.depth == 0 and can(current_actor, MANAGE, area.path),
        settings=ratings.county_settings(db, area.path),
        snapshots=snapshots_of(db, area.path),
        args=request.args,
    )


def _time_chart(listing):
    modules = listing["modules"]
    return make_chart(
        "scatter",
        "TIME 象限：使用与评价（横轴） × 数据开放与不重复（纵轴）",
        [m["title"] for m in modules],
        {"使用与评价": [m["value_axis"] for m in modules], "开放与不重复": [m["fit_axis"] for m in modules]},
        label_title="模块",
        chart_id="time-quadrants",
    )


@bp.route("/usage/slimming.xlsx")
@require(READ)
def slimming_export():
    return _export("xlsx")


@bp.route("/usage/slimming.csv")
@require(READ)
def slimming_csv():
    return _export("csv")


def _export(extension):
    db = get_session()
    area, _areas = chosen_area(db)
    return download(slimming_list(db, area.path, chosen_period()), area.name, extension)


@bp.route("/usage/settings", methods=["POST"])
@require(MANAGE)
def settings():
    db = get_session()
    area, _areas = chosen_area(db, request.form.get("org_path", ""))
    if area.depth != 0 or not can(current_actor, MANAGE, area.path):
        raise not_found()
    _commit_or_flash(db, lambda: save_settings(db, area.path, request.form), _("已保存本县的权重和办理时限。"))
    return redirect(url_for("core_usage.slimming", org_path=area.path))


@bp.route("/usage/rate", methods=["POST"])
@login_required
def rate():
    db = get_session()
    plugin, node = rated_module(request.form.get("plugin", ""))
    stars = _stars()
    thanks = _("谢谢您的评价。") if stars > ratings.BAD else _("谢谢您的评价，管理员会在 1 个工作日内回复您。")
    comment = request.form.get("comment", "")
    _commit_or_flash(db, lambda: ratings.rate(db, current_actor, plugin, node, stars, comment), thanks)
    return redirect(safe_next(request.form.get("next")))


@bp.route("/usage/problem", methods=["POST"])
@login_required
def problem():
    db = get_session()
    plugin, node = rated_module(request.form.get("plugin", ""))
    text = request.form.get("text", "")
    _commit_or_flash(db, lambda: ratings.report_problem(db, current_actor, plugin, node, text), _("已收到您的反馈。"))
    return redirect(safe_next(request.form.get("next")))


@bp.route("/usage/ratings/<int:rating_id>")
@login_required
def rating_page(rating_id):
    db = get_session()
    rating = rating_in_reach(db, rating_id)
    may_reply = can(current_actor, ratings.REPLY, rating.org_path)
    return render_template("core/usage/rating.html", rating=rating, may_reply=may_reply)


@bp.route("/usage/ratings/<int:rating_id>/reply", methods=["POST"])
@login_required
def reply(rating_id):
    db = get_session()
    rating = rating_in_reach(db, rating_id)
    if not can(current_actor, ratings.REPLY, rating.org_path):
        raise not_found()
    text, resolve = request.form.get("text", ""), bool(request.form.get("resolve"))
    _commit_or_flash(db, lambda: ratings.reply(db, current_actor, rating, text, resolve=resolve), _("已保存。"))
    return redirect(url_for("core_usage.rating_page", rating_id=rating.id))


@bp.route("/usage/ratings/<int:rating_id>/second", methods=["POST"])
@login_required
def second(rating_id):
    db = get_session()
    rating = rating_in_reach(db, rating_id)
    stars, comment = _stars(), request.form.get("comment", "")
    _commit_or_flash(db, lambda: ratings.add_second_rating(db, current_actor, rating, stars, comment), _("已保存。"))
    return redirect(url_for("core_usage.rating_page", rating_id=rating.id))


def _stars():
    """The submitted stars; 0 (refused by the service, naming the field) when not a number."""
    raw = request.form.get("stars", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 3 else 0


def _commit_or_flash(db, change, done_message):
    """Run ``change``; commit and say ``done_message``, or roll back and show the refusal."""
    try:
        change()
    except ServiceError as error:
        db.rollback()
        flash(error.detail, "error")
    else:
        db.commit()
        flash(done_message)
