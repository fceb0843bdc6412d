"""The audit page's two charts — entries per day and per action — over the entries the
filter finds inside the auditor's scope."""

from collections import Counter
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import and_, case, func
from sqlmodel import select

from core.audit.models import AuditEntry
from core.timeutil import today
from core.ui.charts import make_chart
from core.web.audit_filters import filtered, start_of

DAYS_SHOWN = 30
DAYS_MAX = 92
TOP_ACTIONS = 8


def chart_range(filters):
    last = filters.date_to or today()
    first = filters.date_from or last - timedelta(days=DAYS_SHOWN - 1)
    return max(first, last - timedelta(days=DAYS_MAX - 1)), last


def daily_chart(db, scope, with_unplaced, filters, download_url=""):
    first, last = chart_range(filters)
    days = [first + timedelta(days=n) for n in range((last - first).days + 2)]  # one more: the last day's end
    within = replace(filters, date_from=first, date_to=last)
    # One pass, counted in SQL: a column per local day, bounded by that day's start in the
    # deployment's zone (so a day with a clock change is still one day).
    bounds = [start_of(day) for day in days]
    columns = [func.count(case((and_(AuditEntry.at >= a, AuditEntry.at < b), 1))) for a, b in zip(bounds, bounds[1:])]
    counts = db.exec(filtered(select(*columns), scope, with_unplaced, within)).one()
    return make_chart(
        "line",
        "每日记录数",
        [day.strftime("%m-%d") for day in days[:-1]],
        {"记录数": list(counts)},
        label_title="日期",
        chart_id="audit-per-day",
        download_url=download_url,
    )


def action_chart(db, scope, with_unplaced, filters, titles, download_url=""):
    count = func.count(AuditEntry.seq)
    statement = filtered(select(AuditEntry.action, count), scope, with_unplaced, filters).group_by(AuditEntry.action)
    counted = Counter()
    for action, n in db.exec(statement).all():
        counted[titles.title(action)] += n  # unnamed actions share one slice
    top = counted.most_common(TOP_ACTIONS)
    rest = sum(counted.values()) - sum(n for _title, n in top)
    labels = [title for title, _n in top] + (["其余动作"] if rest else [])
    values = [n for _title, n in top] + ([rest] if rest else [])
    return make_chart(
        "pie",
        "各类动作的记录数",
        labels,
        {"记录数": values},
        label_title="动作",
        chart_id="audit-per-action",
        download_url=download_url,
    )
