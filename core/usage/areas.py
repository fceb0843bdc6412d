"""Which county or street a usage page is about: chosen by the user among the counties and
streets inside their scope for ``core.usage_read`` (by name), the highest by default."""

from flask import request

from core.api.errors import ServiceError
from core.auth.actor import current_actor
from core.orgs.picker import node_choices
from core.permissions.access import scope_for
from core.timeutil import today
from core.usage.periods import parse_period

READ = "core.usage_read"
AREA_DEPTHS = (0, 1)  # county, street
MESSAGES = {
    "start": "开始日期须是 2026-01-01 这样的日期。",
    "end": "结束日期须是日期，晚于开始日期，且相隔不超过一年。",
}


def area_choices(db):
    return [choice for choice in node_choices(db, scope_for(current_actor, READ)) if choice.depth in AREA_DEPTHS]


def chosen_area(db, value=None):
    """(the chosen choice, all choices); 404 for a node outside the scope (or not an area)."""
    choices = area_choices(db)
    wanted = value if value is not None else request.args.get("org_path", "")
    if not wanted:
        if not choices:
            raise ServiceError(404, "您的管理范围内没有县或街道。")
        return choices[0], choices
    for choice in choices:
        if choice.path == wanted:
            return choice, choices
    raise ServiceError(404, "没有找到这个县或街道。", "/org_path")


def chosen_period(args=None):
    args = request.args if args is None else args
    try:
        return parse_period(args.get("start", ""), args.get("end", ""), today())
    except ValueError as error:
        field = str(error)
        raise ServiceError(422, MESSAGES[field], f"/{field}") from None
