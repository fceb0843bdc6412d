"""The visit form, one schema per checklist (cached: the core builds its fields and
validator once per schema object). Everything a routine visit needs is a tap — the form of
visit and each finding default to 入户 and 正常 — so only the note and a follow-up note are
ever typed (``fields_to_type`` counts them in the 2-field test)."""

from functools import lru_cache

from plugins.special_visits.groups.defaults import FINDING_VALUES, FINDINGS

FORMS = {"home": "入户", "phone": "电话", "video": "视频"}


@lru_cache(maxsize=64)
def visit_schema(checklist):
    """The form for a group whose visits record ``checklist`` (a tuple of finding keys)."""
    findings = {
        key: {
            "enum": list(FINDING_VALUES),
            "title": FINDINGS.get(key, key),
            "x-enum-titles": FINDING_VALUES,
            "x-widget": "radio",
            "x-order": order,
        }
        for order, key in enumerate(checklist)
    }
    return {
        "type": "object",
        "required": ["form", "findings"],
        "properties": {
            "form": {
                "enum": list(FORMS),
                "title": "走访方式",
                "x-enum-titles": FORMS,
                "x-widget": "radio",
                "x-order": 1,
            },
            "findings": {
                "type": "object",
                "title": "走访情况",
                "required": list(checklist),
                "properties": findings,
                "x-order": 2,
            },
            "note": {
                "type": "string",
                "title": "简要说明",
                "maxLength": 200,
                "x-widget": "textarea",
                "x-order": 3,
                "x-placeholder": "如无特别情况可不填",
            },
            "photo": {"type": "string", "title": "照片（可选）", "x-widget": "photo", "x-order": 4},
            "follow_up": {"type": "boolean", "title": "需要后续跟进（转给相关部门）", "x-order": 5},
            "follow_up_note": {
                "type": "string",
                "title": "需要跟进什么",
                "maxLength": 200,
                "x-order": 6,
                "x-help": "勾选“需要后续跟进”时填写",
            },
        },
    }


def routine_prefill(checklist, form="home"):
    """What the page shows before the worker touches anything."""
    return {"form": form, "findings": {key: "normal" for key in checklist}}
