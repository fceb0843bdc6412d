"""A county's slimming-list weights and follow-up deadlines, from the settings form or API."""

from core.api.errors import ServiceError
from core.usage.models import CountyUsageSettings
from core.usage.slimming import INDICATORS

MANAGE = "core.usage_manage"


def _number(raw, pointer, low, high, integer=False):
    try:
        value = int(raw) if integer else float(raw)
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high:
        kind = "整数" if integer else "数"
        raise ServiceError(422, f"“{pointer[1:]}”须是 {low}–{high} 之间的{kind}。", pointer)
    return value


def save_settings(db, county_path, values):
    """``values``: weight_<indicator> (0–10), reply_days (1–10), resolve_days (1–60)."""
    settings = db.get(CountyUsageSettings, county_path) or CountyUsageSettings(county_path=county_path)
    weights = {}
    for name, (title, _default, _better) in INDICATORS.items():
        raw = values.get(f"weight_{name}")
        if raw not in (None, ""):
            try:
                weights[name] = _number(raw, f"/weight_{name}", 0, 10)
            except ServiceError:
                raise ServiceError(422, f"“{title}”的权重须是 0–10 之间的数。", f"/weight_{name}") from None
    reply_days = _days(values.get("reply_days"), settings.reply_days, "/reply_days", "回复时限", 10)
    resolve_days = _days(values.get("resolve_days"), settings.resolve_days, "/resolve_days", "办结时限", 60)
    if resolve_days < reply_days:
        raise ServiceError(422, "办结时限不能短于回复时限。", "/resolve_days")
    settings.weights = {**settings.weights, **weights}
    settings.reply_days, settings.resolve_days = reply_days, resolve_days
    db.add(settings)
    db.flush()
    return settings


def _days(raw, current, pointer, title, high):
    if raw in (None, ""):
        return current
    try:
        return _number(raw, pointer, 1, high, integer=True)
    except ServiceError:
        raise ServiceError(422, f"“{title}”须是 1–{high} 个工作日。", pointer) from None
