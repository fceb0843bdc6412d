"""Export and import: a scenario as one JSON document (``schemas/scenario.json``) a county can
hand to another. Import first lists every plugin and block the document needs and whether
each is there and switched on; with anything missing it refuses with that list, storing
nothing — never a half-imported scenario."""

from core.public import ApiError, block_offers, plugin_enabled_at
from scenario_builder.document import normalised
from scenario_builder.versions import audit, create_scenario, version_document


def export_document(db, scenario):
    return version_document(db, scenario, scenario.latest_version)


def needs_of(document, org_path):
    """[{plugin, block, title, settings_version, installed, enabled, problem}] — what the
    document needs, each with whether this deployment has it at ``org_path``."""
    offers, needs, seen = block_offers(), [], set()
    for placed in normalised(document)["blocks"]:
        kind = (placed["plugin"], placed["block"])
        if kind in seen:
            continue
        seen.add(kind)
        needs.append(_need(offers.get(kind), placed, org_path))
    return needs


def _need(offer, placed, org_path):
    installed = offer is not None
    enabled = installed and plugin_enabled_at(offer.plugin, org_path)
    current = offer.entry.get("settings_version", 1) if installed else 1
    newer = placed.get("settings_version", current) > current
    problem = (
        ""
        if enabled and not newer
        else ("未安装" if not installed else "未在本组织启用" if not enabled else "需要更新版本的模块")
    )
    return {
        "plugin": placed["plugin"],
        "block": placed["block"],
        "title": offer.entry["title"]["zh"] if installed else "",
        "plugin_title": offer.plugin_title if installed else "",
        "settings_version": placed.get("settings_version"),
        "installed": installed,
        "enabled": enabled,
        "problem": problem,
    }


def import_document(db, actor, org_path, document):
    needs = needs_of(document, org_path)
    missing = [need for need in needs if need["problem"]]
    if missing:
        detail = f"该场景需要的 {len(missing)} 个功能块在本组织不可用，未导入任何内容"
        errors = [{"pointer": "/blocks", "detail": f"{n['title'] or '功能块'}：{n['problem']}", **n} for n in missing]
        raise ApiError(422, detail, pointer="/blocks", errors=errors)
    # A fresh draft: its nodes and packages are checked against this admin's scope at publish.
    scenario = create_scenario(db, actor, org_path, document, note="导入")
    audit(db, actor, scenario, "imported")
    return scenario
