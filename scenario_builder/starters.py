"""Ready-made scenarios (场景模板) a community admin copies and adapts. Each uses only blocks
that exist; one whose plugin is missing or switched off at the admin's node is offered
greyed, with the reason, instead of failing when used."""

from core.public import ApiError, block_offers, not_found, plugin_enabled_at, scope_for
from scenario_builder import versions
from scenario_builder.permissions import MANAGE

LIVING_ALONE_VISIT_SOON = {
    "when": {"block": 1, "event": "resident_tagged"},
    "if": {"field": "tag", "op": "equals", "value": "独居老人"},
    "then": {"block": 2, "action": "visit_soon", "mapping": {"resident_id": "resident_id"}},
}


def _block(plugin, name):
    return {"plugin": plugin, "block": name, "settings": {}}


STARTERS = {
    "heat_wave": {
        "title": "高温关爱独居老人",
        "description": "高温期间摸清独居老人、登记新发现的对象并尽快走访，跟踪预警走访进度。",
        "icon": "heart",
        "blocks": [
            _block("resident_info", "resident_list"),
            _block("resident_info", "registration_form"),
            _block("special_visits", "my_roster"),
            _block("special_visits", "alert_panel"),
        ],
        "triggers": [LIVING_ALONE_VISIT_SOON],
    },
    "waste_drive": {
        "title": "垃圾分类督导",
        "description": "督导员检查投放点、跟进整改、公示积分和趋势。",
        "icon": "trash",
        "blocks": [
            _block("waste_sorting", "inspection_form"),
            _block("waste_sorting", "open_rectifications"),
            _block("waste_sorting", "points_wall"),
            _block("waste_sorting", "trend_chart"),
        ],
        "triggers": [],
    },
    "new_residents": {
        "title": "新居民入户登记",
        "description": "入户登记新居民（也可批量导入），独居老人登记后自动安排尽快走访。",
        "icon": "user-plus",
        "blocks": [
            _block("resident_info", "resident_list"),
            _block("resident_info", "registration_form"),
            _block("special_visits", "my_roster"),
            _block("resident_info", "import_panel"),
        ],
        "triggers": [LIVING_ALONE_VISIT_SOON],
    },
}


def offered(org_path):
    """[{key, title, description, available, reason}] for an admin at ``org_path``."""
    offers = block_offers()
    return [
        {"key": key, **_summary(starter), **_availability(starter, offers, org_path)}
        for key, starter in STARTERS.items()
    ]


def _summary(starter):
    return {"title": starter["title"], "description": starter["description"], "icon": starter["icon"]}


def _availability(starter, offers, org_path):
    """Available, or the first missing plugin named in Chinese (never its code)."""
    for placed in starter["blocks"]:
        offer = offers.get((placed["plugin"], placed["block"]))
        if offer is None:
            return {"available": False, "reason": "需要的功能模块尚未安装"}
        if not plugin_enabled_at(offer.plugin, org_path):
            return {"available": False, "reason": f"需要功能模块「{offer.plugin_title}」，尚未在本组织启用"}
    return {"available": True, "reason": ""}


def starter_document(key):
    """A fresh copy of template ``key`` as a scenario document, or None."""
    starter = STARTERS.get(key)
    if starter is None:
        return None
    return {
        **_summary(starter),
        "blocks": [dict(b, settings={}) for b in starter["blocks"]],
        "triggers": list(starter["triggers"]),
    }


def use_starter(db, actor, key, org_path):
    """A new draft scenario at ``org_path`` copied from template ``key`` (the admin adapts
    it, then publishes). Unknown key → 404; plugin missing there → 422 with the reason."""
    document = starter_document(key)
    if document is None:
        raise not_found("没有这个场景模板。")
    availability = _availability(STARTERS[key], block_offers(), org_path)
    if not availability["available"]:
        raise ApiError(422, f"无法使用模板「{document['title']}」：{availability['reason']}", pointer="/org_path")
    return versions.create_scenario(db, actor, org_path, document, note=f"由模板「{document['title']}」创建")


def home_node(actor):
    """Where an admin's templates are checked when they name no node: their first managed node."""
    paths = scope_for(actor, MANAGE).paths
    return paths[0] if paths else ""
