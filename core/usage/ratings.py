"""Ratings (好差评) and problem reports on a module, and the follow-up of a bad rating.

The rule of the government-service 好差评 system: a rating of 1–2 stars opens a follow-up
for the admins responsible for the module at the rater's node — reply within 1 working day,
resolve within 15 (per county: ``CountyUsageSettings``), escalated through the inbox when
overdue; the rater may add one follow-up rating (追评) after the reply. One rating per user ×
module × month: rating again that month replaces it (the latest counts).
"""

from datetime import datetime, time, timedelta

from sqlmodel import select

from core.api.errors import ServiceError
from core.db import system_query
from core.inbox.escalations import escalate_if_open, object_closed
from core.inbox.notices import notify
from core.timeutil import as_aware, clock, utcnow
from core.tree.scope import DataScope, scoped
from core.usage.models import CountyUsageSettings, Rating

BAD = 2  # stars at or below this open a follow-up
REPLY = "core.rating_reply"
COMMENT_MAX = 500
PROBLEM, RATING = "problem", "rating"
OPEN, REPLIED, RESOLVED = "open", "replied", "resolved"


def add_working_days(moment, days):
    """``moment`` plus ``days`` working days (Monday–Friday, Beijing time; public holidays are
    not known to the platform and count as working days)."""
    local = clock.local(moment)
    while days > 0:
        local += timedelta(days=1)
        days -= local.weekday() < 5
    return local


def _check_stars(stars, pointer="/stars"):
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        raise ServiceError(400, "评分须是 1 到 5 颗星。", pointer)


def _check_comment(comment, pointer="/comment", required=False):
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ServiceError(400, f"评价内容最多 {COMMENT_MAX} 个字。", pointer)
    if required and not comment:
        raise ServiceError(400, "请写下哪里不好用。", pointer)
    return comment


def rate(session, actor, plugin, org_path, stars, comment=""):
    """The actor's rating of ``plugin`` this month (replacing an earlier one of the month)."""
    _check_stars(stars)
    comment = _check_comment(comment)
    month = clock.local().strftime("%Y-%m")
    mine = select(Rating).where(
        Rating.kind == RATING, Rating.user_id == actor.id, Rating.plugin == plugin, Rating.month == month
    )
    rating = session.exec(system_query(mine, "the actor's own rating of the month")).first()
    if rating is None:
        rating = Rating(kind=RATING, user_id=actor.id, plugin=plugin, org_path=org_path, month=month)
        session.add(rating)
    rating.stars, rating.comment, rating.org_path, rating.created_at = stars, comment, org_path, utcnow()
    session.flush()
    if stars <= BAD and rating.followup in ("", RESOLVED):
        _open_followup(session, rating)
    return rating


def report_problem(session, actor, plugin, org_path, text):
    problem = Rating(
        kind=PROBLEM,
        user_id=actor.id,
        plugin=plugin,
        org_path=org_path,
        month=clock.local().strftime("%Y-%m"),
        comment=_check_comment(text, "/text", required=True),
    )
    session.add(problem)
    session.flush()
    return problem


def county_settings(session, org_path):
    county = org_path.split("/")[0]
    return session.get(CountyUsageSettings, county) or CountyUsageSettings(county_path=county)


def responsible(org_path):
    """(role package, node) answering for a module at ``org_path``, and the one above it."""
    parts = org_path.split("/")
    if len(parts) >= 3:
        return ("community_admin", "/".join(parts[:3])), ("street_admin", "/".join(parts[:2]))
    if len(parts) == 2:
        return ("street_admin", org_path), ("county_admin", parts[0])
    return ("county_admin", parts[0]), ("county_admin", parts[0])


def _open_followup(session, rating):
    settings = county_settings(session, rating.org_path)
    now = utcnow()
    rating.followup, rating.reply, rating.replied_at, rating.resolved_at = OPEN, "", None, None
    rating.second_stars, rating.second_comment = None, ""
    rating.reply_due = add_working_days(now, settings.reply_days)
    rating.resolve_due = add_working_days(now, settings.resolve_days)
    (package, node), (above, above_node) = responsible(rating.org_path)
    link = f"/usage/ratings/{rating.id}"
    title = f"差评待回复：{rating.stars} 星"
    notify(
        session, plugin="core", title=title, org_path=node, to_package=package, link=link, severity="warning",
        due_at=rating.reply_due, object_type="rating", object_id=rating.id,
    )  # fmt: skip
    overdue = (
        ("rating_reply", rating.reply_due, above, above_node, "差评逾期未回复"),
        ("rating_resolve", rating.resolve_due, "county_admin", node.split("/")[0], "差评逾期未办结"),
    )
    for kind, due, target_package, target_node, overdue_title in overdue:
        escalate_if_open(
            session, plugin="core", object_type=kind, object_id=rating.id, at=due, package=target_package,
            org_path=target_node, title=overdue_title, link=link, severity="urgent",
        )  # fmt: skip
    session.flush()


def reply(session, actor, rating, text, resolve=False):
    """The responsible admin's reply (and, with ``resolve``, the follow-up's end)."""
    if rating.followup not in (OPEN, REPLIED):
        raise ServiceError(409, "这条评价没有待办的回访。", "/text")
    text = _check_comment(text, "/text", required=not rating.reply)
    if text:
        rating.reply, rating.replied_by, rating.replied_at = text, actor.display_name, utcnow()
        rating.followup = REPLIED
        object_closed(session, "core", "rating_reply", rating.id, by=actor.display_name)
        object_closed(session, "core", "rating", rating.id, by=actor.display_name)
    if resolve:
        rating.followup, rating.resolved_at = RESOLVED, utcnow()
        object_closed(session, "core", "rating_resolve", rating.id, by=actor.display_name)
    session.flush()
    return rating


def add_second_rating(session, actor, rating, stars, comment=""):
    """追评: once, by the rater, after the reply."""
    if rating.user_id != actor.id:
        raise ServiceError(404, "没有找到这条评价。")
    if not rating.replied_at:
        raise ServiceError(409, "回复之后才能追评。", "/stars")
    if rating.second_stars is not None:
        raise ServiceError(409, "每条评价只能追评一次。", "/stars")
    _check_stars(stars)
    rating.second_stars, rating.second_comment = stars, _check_comment(comment)
    session.flush()
    return rating


def rating_figures(session, root, period, now):
    """{plugin: (average stars or None, ratings, problem reports, bad ratings overdue)} for
    ratings given in ``period`` anywhere under ``root``."""
    start, end = (datetime.combine(day, time(), tzinfo=clock.zone) for day in (period.start, period.end))
    rows = session.exec(
        scoped(select(Rating), DataScope((root,)), Rating.org_path).where(
            Rating.created_at >= start, Rating.created_at < end
        )
    ).all()
    found = {}
    for rating in rows:
        stars, count, problems, unanswered = found.get(rating.plugin, ([], 0, 0, 0))
        if rating.kind == PROBLEM:
            problems += 1
        else:
            stars = [*stars, rating.stars]
            count += 1
            unanswered += rating.followup == OPEN and rating.reply_due is not None and as_aware(rating.reply_due) < now
        found[rating.plugin] = (stars, count, problems, unanswered)
    return {
        plugin: (sum(stars) / len(stars) if stars else None, count, problems, unanswered)
        for plugin, (stars, count, problems, unanswered) in found.items()
    }
