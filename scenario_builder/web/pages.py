"""Pages: ``/scenarios`` (admins: their scenarios, a new draft, versions) and
``/scenarios/<id>`` (staff: the scenario's blocks in order, rendered by their plugins behind
the core's permission check and error boundary)."""

from flask import abort, redirect, render_template, request, url_for

from core.public import (
    ServiceError,
    block_offers,
    current_actor,
    display_names,
    get_session,
    login_required,
    node_choices,
    node_from_text,
    plugin_enabled_at,
    render_block,
    require,
    scope_for,
)
from scenario_builder import versions, workbench
from scenario_builder.permissions import MANAGE


@require(MANAGE)
def index():
    db = get_session()
    scenarios = versions.scenarios_in_scope(db, current_actor)
    history = {s.id: versions.all_versions(db, s) for s in scenarios}
    choices = node_choices(db, scope_for(current_actor, MANAGE))
    names = display_names(db, [v.saved_by for saved in history.values() for v in saved])
    return render_template(
        "scenario_builder/index.html",
        scenarios=scenarios,
        history=history,
        names=names,
        choices=choices,
        error=request.args.get("error"),
    )


@require(MANAGE)
def create():
    db = get_session()
    choices = node_choices(db, scope_for(current_actor, MANAGE))
    org_path = node_from_text(choices, request.form.get("org_path", ""))
    title = (request.form.get("title") or "").strip()
    if not title or len(title) > 60 or org_path is None:
        return redirect(url_for("scenario_builder.index", error="请填写标题（不超过 60 个字）并选择所属组织"))
    try:
        scenario = versions.create_scenario(db, current_actor, org_path, {"title": title, "blocks": []})
    except ServiceError as error:
        return redirect(url_for("scenario_builder.index", error=error.detail))
    db.commit()
    return redirect(url_for("scenario_builder.show", scenario_id=scenario.id))


@login_required
def show(scenario_id):
    """The published version for the staff it reaches; an admin of the scenario sees the
    latest version (a preview, marked as such)."""
    db = get_session()
    scenario, number, org_path = _visible(db, scenario_id)
    document = versions.version_document(db, scenario, number)
    offers, context = block_offers(), {"actor": current_actor, "org_path": org_path}
    rendered = [rendered_block(offers, placed, context) for placed in document["blocks"]]
    preview = number != scenario.published_version
    return render_template(
        "scenario_builder/show.html",
        scenario=scenario,
        document=document,
        blocks=rendered,
        preview=preview,
        number=number,
    )


def _visible(db, scenario_id):
    for scenario, version, path in workbench.reaching(db, current_actor):
        if scenario.id == scenario_id:
            return scenario, version.number, path
    try:
        scenario = versions.scenario_for(db, current_actor, scenario_id)
    except ServiceError:
        abort(404)
    return scenario, scenario.latest_version, scenario.org_path


def rendered_block(offers, placed, context):
    offer = offers.get((placed["plugin"], placed["block"]))
    if offer is None:
        return {"title": "未安装的功能块", "icon": "", "html": "该功能块暂不可用：所属的功能模块未安装"}
    if not plugin_enabled_at(offer.plugin, context["org_path"]):  # settings kept: switching it back on restores it
        reason = f"该功能块暂不可用：功能模块「{offer.plugin_title}」未在本组织启用"
        return {"title": offer.entry["title"]["zh"], "icon": offer.entry.get("icon", ""), "html": reason}
    settings = placed["settings"]
    current = offer.entry.get("settings_version", 1)
    if placed.get("settings_version", current) < current:  # saved before a plugin upgrade
        settings = offer.block.migrate_settings(dict(settings), placed["settings_version"])
    html = render_block(offer.block, settings, context)
    return {"title": offer.entry["title"]["zh"], "icon": offer.entry.get("icon", ""), "html": html}


def add_routes(pages):
    pages.add_url_rule("/", view_func=index, endpoint="index")
    pages.add_url_rule("/", view_func=create, endpoint="create", methods=["POST"])
    pages.add_url_rule("/<int:scenario_id>", view_func=show, endpoint="show")
