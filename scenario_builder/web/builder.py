"""The builder page ``/scenarios/<id>/edit``: a palette of the blocks enabled at the
scenario's node, a canvas of the placed blocks, a settings panel drawn by the core's form
renderer, and a preview of the workbench. Saving and publishing go through the JSON API
(``/api/v1/scenarios``), so the page holds no rule of its own: the server checks everything."""

from flask import render_template

from core.public import (
    block_offers,
    current_actor,
    form_errors,
    get_session,
    json_body,
    node_choices,
    package_permission_names,
    package_titles,
    plugin_enabled_at,
    render_form,
    require,
    scope_for,
)
from scenario_builder import versions
from scenario_builder.permissions import MANAGE
from scenario_builder.web.pages import rendered_block
from scenario_builder.web.trigger_menus import accepted, emitted

# A manifest names its block's icon; the page draws the names it knows as small line icons
# (SVG paths on a 24-unit grid: no icon font to vendor, no emoji font needed on the intranet PCs).
ICONS = {
    "note": "M6 3h9l4 4v14H6z M9 11h7 M9 15h7",
    "list": "M8 6h12 M8 12h12 M8 18h12 M4 6h.01 M4 12h.01 M4 18h.01",
    "users": "M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M3 20c0-3 3-5 6-5s6 2 6 5 M16 5a3 3 0 0 1 0 6 M18 15c2 1 3 3 3 5",
    "user-plus": "M10 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M4 20c0-3 3-5 6-5s6 2 6 5 M19 8v6 M16 11h6",
    "upload": "M12 16V4 M7 9l5-5 5 5 M4 20h16",
    "heart": "M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.5A4 4 0 0 1 19 10c0 5.5-7 10-7 10z",
    "recycle": "M7 19H4l3-5 M17 19h3l-3-5 M9 5l3-2 3 2 M7 14l5-9 5 9 M7 19h10",
}
DEFAULT_ICON = "M4 4h7v7H4z M13 4h7v7h-7z M4 13h7v7H4z M13 13h7v7h-7z"
FORM_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["plugin", "block"],
    "properties": {
        "plugin": {"type": "string", "maxLength": 100, "title": "功能模块"},
        "block": {"type": "string", "maxLength": 100, "title": "功能块"},
        "settings": {"type": "object", "title": "设置"},
        "errors": {"type": "object", "title": "错误", "additionalProperties": {"type": "string", "maxLength": 300}},
    },
}
PREVIEW_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["blocks", "org_path"],
    "properties": {
        "blocks": {"type": "array", "maxItems": 200, "items": {"type": "object"}, "title": "功能块"},
        "org_path": {"type": "string", "maxLength": 300, "title": "预览的组织"},
        "package": {"type": "string", "maxLength": 100, "title": "预览的角色包"},
    },
}


def palette_for(org_path):
    """[(plugin title, [block entry for the page])] of the blocks whose plugin is on at ``org_path``."""
    groups = {}
    for offer in sorted(block_offers().values(), key=lambda o: (o.plugin_title, o.entry["title"]["zh"])):
        if plugin_enabled_at(offer.plugin, org_path):
            groups.setdefault(offer.plugin_title, []).append(_entry(offer))
    return list(groups.items())


def _entry(offer):
    return {
        "plugin": offer.plugin,
        "block": offer.name,
        "title": offer.entry["title"]["zh"],
        "icon": ICONS.get(offer.entry.get("icon", ""), DEFAULT_ICON),  # an SVG path
        "description": offer.entry.get("description", {}).get("zh", ""),
        "schema": offer.entry.get("settings_schema", {"type": "object"}),
        "emits": emitted(offer),  # the trigger editor's menus
        "actions": accepted(offer),
    }


@require(MANAGE)
def edit(scenario_id):
    db = get_session()
    scenario = versions.scenario_for(db, current_actor, scenario_id)
    palette = palette_for(scenario.org_path)
    return render_template(
        "scenario_builder/builder.html",
        scenario=scenario,
        document=versions.version_document(db, scenario, scenario.latest_version),
        palette=palette,
        blocks={f"{b['plugin']}.{b['block']}": b for _title, entries in palette for b in entries},
        choices=node_choices(db, scope_for(current_actor, MANAGE)),
        packages=sorted(package_titles(db).items(), key=lambda item: item[1]),
    )


@require(MANAGE)
def settings_form(scenario_id):
    """The settings fields of one placed block, with the server's errors beside their fields."""
    versions.scenario_for(get_session(), current_actor, scenario_id)
    body = json_body(FORM_SCHEMA)
    offer = block_offers().get((body["plugin"], body["block"]))
    if offer is None:
        return {"html": '<p class="muted">该功能块暂不可用：所属的功能模块未安装</p>'}
    schema = offer.entry.get("settings_schema", {"type": "object"})
    if not schema.get("properties"):
        return {"html": '<p class="muted">这个功能块没有需要设置的内容。</p>'}
    settings = body.get("settings") or {}
    html = render_form(schema, settings, _field_messages(schema, settings, body.get("errors") or {}), summary=False)
    return {"html": str(html)}


def _field_messages(schema, settings, flagged):
    """The server's refusals (``{field: detail}``, from its pointers) in the forms' own words
    beside the field ("天数：不能大于 30"); the server's detail where the forms see no mistake."""
    worded = form_errors(schema, settings)
    return {name: worded.get(name, detail) for name, detail in flagged.items()}


@require(MANAGE)
def preview(scenario_id):
    """The workbench as staff at the chosen node would see these blocks; nothing is written."""
    db = get_session()
    scenario = versions.scenario_for(db, current_actor, scenario_id)
    body = json_body(PREVIEW_SCHEMA)
    org_path = body["org_path"] if scope_for(current_actor, MANAGE).covers(body["org_path"]) else scenario.org_path
    offers, context = block_offers(), {"actor": current_actor, "org_path": org_path}
    seen = _seen_by(db, body.get("package"), offers)
    placed = [b for b in map(_placed, body["blocks"]) if b and seen(b)]
    blocks = [rendered_block(offers, b, context) for b in placed]
    return {"html": render_template("scenario_builder/_preview.html", blocks=blocks)}


def _seen_by(db, package, offers):
    """Does a holder of ``package`` see a placed block? A block the package has no permission
    for shows them nothing (as on the workbench); without a package every block is shown. The
    rest renders with the admin's own access, which covers the previewed node."""
    if not package or package not in package_titles(db):
        return lambda placed: True
    permissions = package_permission_names(db, package)

    def seen(placed):
        offer = offers.get((placed["plugin"], placed["block"]))
        return offer is None or not offer.block.permission or offer.block.permission in permissions

    return seen


def _placed(block):
    """A block as the preview renders it, or None when the page sent something malformed."""
    if not isinstance(block.get("plugin"), str) or not isinstance(block.get("block"), str):
        return None
    settings = block.get("settings") if isinstance(block.get("settings"), dict) else {}
    placed = {"plugin": block["plugin"], "block": block["block"], "settings": settings}
    if isinstance(block.get("settings_version"), int):  # saved before a plugin upgrade: migrated
        placed["settings_version"] = block["settings_version"]
    return placed


def add_routes(pages):
    pages.add_url_rule("/<int:scenario_id>/edit", view_func=edit, endpoint="edit")
    for rule, view in (("/form", settings_form), ("/preview", preview)):
        pages.add_url_rule(f"/<int:scenario_id>/edit{rule}", view_func=view, endpoint=view.__name__, methods=["POST"])
