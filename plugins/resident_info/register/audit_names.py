"""What the core's audit page shows for this plugin's entries and for the core's entries
about its residents' documents (services ``resident_info.describe_audit_entries`` and
``resident_info.find_audit_objects``): the resident's name — only where the auditor may
read that resident — and a short line, never an ID number or phone."""

from sqlmodel import select

from core.public import get_session, scope_for, scope_of_model
from plugins.resident_info.models import Resident
from plugins.resident_info.permissions import PLUGIN, READ
from plugins.resident_info.register.documents import RECORD_TYPE
from plugins.resident_info.register.validation import FIELDS

RESIDENT = f"{PLUGIN}_resident:"
MATCHES_MAX = 200
FIELD_TITLES = {key: spec.get("title", "其他") for key, spec in FIELDS.items()}
OBJECTS = {f"{PLUGIN}_import": "导入任务", f"{PLUGIN}_household": "户", f"{PLUGIN}_county_fields": "本县居民字段"}


def describe_audit_entries(entries, actor, session=None):
    """{seq: {"object": …, "summary": …}} for entries of resident_info's actions."""
    names = _resident_names(session or get_session(), entries, actor)
    return {entry["seq"]: _described(entry, names) for entry in entries}


def find_audit_objects(text, actor, session=None):
    """Targets of residents whose name contains ``text`` that ``actor`` may read."""
    statement = select(Resident.id).where(Resident.name.contains(text, autoescape=True)).limit(MATCHES_MAX)
    found = (session or get_session()).exec(scope_of_model(statement, scope_for(actor, READ), Resident)).all()
    return [f"{RESIDENT}{resident_id}" for resident_id in found]


def _resident_id(entry):
    """The resident an entry is about: its target, or the record of an attachment entry."""
    target, record = entry["target"], str((entry["detail"] or {}).get("record", ""))
    key = target[len(RESIDENT) :] if target.startswith(RESIDENT) else record.partition(f"{RECORD_TYPE}:")[2]
    return int(key) if key.isascii() and key.isdigit() and len(key) < 12 else None


def _resident_names(db, entries, actor):
    ids = {_resident_id(entry) for entry in entries} - {None}
    if not ids:
        return {}
    statement = select(Resident.id, Resident.name).where(Resident.id.in_(sorted(ids)))
    return dict(db.exec(scope_of_model(statement, scope_for(actor, READ), Resident)).all())


def _described(entry, names):
    resident_id, action = _resident_id(entry), entry["action"]
    if action.startswith("core.attachment_"):  # the core's entry about a resident's document
        shown = f"{names[resident_id]}的证明材料" if resident_id in names else "居民的证明材料"
        return {"object": shown}
    if resident_id is not None:
        shown = names.get(resident_id) or f"居民（编号 {resident_id}）"
    else:
        shown = OBJECTS.get(entry["target"].partition(":")[0], "")
    return {"object": shown, "summary": _summary(action.split(".", 1)[1], entry["detail"] or {})}


def _summary(action, detail):
    if action == "sensitive_viewed":
        viewed = "、".join(FIELD_TITLES.get(f, "其他") for f in detail.get("fields", [])) or "完整信息"
        return f"查看了{viewed}" + (f"；理由：{detail['reason']}" if detail.get("reason") else "")
    if action in ("resident_updated", "resident_merged") and detail.get("fields"):
        return "修改了" + "、".join(FIELD_TITLES.get(f, "其他") for f in detail["fields"])
    if action in ("residents_exported", "sensitive_exported"):
        return f"{str(detail.get('format', '')).upper()} 文件，{detail.get('rows', 0)} 人"
    if action == "residents_imported":
        return f"导入 {detail.get('imported', 0)} 人，已登记跳过 {detail.get('already_registered', 0)} 人"
    if action == "held_row_resolved":
        return f"第 {detail.get('line', '')} 行"
    return ""
