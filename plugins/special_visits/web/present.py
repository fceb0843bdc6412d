"""How an entry and a visit read on a page: names and dates people understand."""

from core.public import clock, today
from plugins.special_visits.groups.defaults import FINDING_VALUES, FINDINGS
from plugins.special_visits.visits.forms import FORMS

STATUS_TITLES = {"active": "在册", "left": "已不符合条件", "ended": "已移出"}
REASON_TITLES = {"left_group": "不再符合条件", "moved_out": "已迁出", "deceased": "已去世", "merged": "记录已合并"}


def due_text(entry):
    days = (entry.due_date - today()).days
    if days < 0:
        return f"逾期 {-days} 天"
    if days == 0:
        return "今天到期"
    return f"{days} 天后到期" if days <= 14 else f"{entry.due_date:%m月%d日}前"


def entry_row(entry, group_name, names):
    alert = entry.alert_id is not None and entry.alert_visited_at is None
    return {
        "entry": entry,
        "group": group_name,
        "alert": entry.alert_name if alert else "",
        "alert_due": clock.local(entry.alert_due_at).strftime("%m月%d日 %H:%M") if alert and entry.alert_due_at else "",
        "overdue": entry.due_date < today(),
        "due_text": due_text(entry),
        "worker": names.get(entry.assigned_to, "") if entry.assigned_to else "",
        "escalated": entry.escalated_at is not None,
    }


def visit_view(visit, names):
    return {
        "visit": visit,
        "form": FORMS.get(visit.form, visit.form),
        "visitor": names.get(visit.visitor, "走访人"),
        "findings": [
            (FINDINGS.get(key, key), FINDING_VALUES.get(value, value), value != "normal")
            for key, value in visit.findings.items()
        ],
    }
