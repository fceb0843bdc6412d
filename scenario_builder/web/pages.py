"""Pages: ``/scenarios`` (admins: their scenarios, a new draft, versions) and
``/scenarios/<id>`` (staff: the scenario's blocks in order, rendered by their plugins behind
the core's permission check and error boundary)."""

from flask import abort, redirect, render_template, request, url_for

from core.public import (
    ServiceError,
    block_offers,
    block_renderer,
    current_actor,
    display_names,
    get_session,
    login_required,
    meter_scenario,
    module_unavailable,
    node_choices,
    node_from_text,
    plugin_enabled_at,
    render_block,
    require,
    scope_for,
)
from scenario_builder import affected, publish_down, starters, triggers, versions, workbench
from scenario_builder.permissions import MANAGE

# A scenario out of reach or a step not allowed gets the shared error page (404 / 403): a
# redirect with a notice would tell another community's admin that the scenario exists.
NOT_YOURS = (403, 404)


@require(MANAGE)
def index():
    db = get_session()
    scenarios = versions.scenarios_in_scope(db, current_actor)
    history = {s.id: versions.all_versions(db, s) for s in scenarios}
    choices = node_choices(db, scope_for(current_actor, MANAGE))
    names = display_names(db, [v.saved_by for saved in history.values() for v in saved])
    return render_template(
        "scenario_builder/index.html",
        templates=starters.offered(starters.home_node(current_actor)),
        offered=publish_down.offered_to(db, starters.home_node(current_actor)),
        scenarios=scenarios,
        history=history,
        warnings=affected.warnings_for(db, scenarios),
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
    return _open_new_draft(
        lambda db, _home: versions.create_scenario(db, current_actor, org_path, {"title": title, "blocks": []})
    )


@require(MANAGE)
def use_template(key):
    """使用此模板: a draft copy at the admin's own node, opened at once to adapt."""
    return _open_new_draft(lambda db, org_path: starters.use_starter(db, current_actor, key, org_path))


@require(MANAGE)
def adopt(source_id):
    """采用上级下发的场景: the admin's own copy at their node, opened at once."""
    return _open_new_draft(lambda db, org_path: publish_down.adopt(db, current_actor, source_id, org_path))


def _open_new_draft(make):
    """``make(db, the admin's home node)`` a new scenario and open it; a refusal goes back to
    the list with its reason (another tenant's scenario or a forbidden step: the error page)."""
    db = get_session()
    try:
        scenario = make(db, starters.home_node(current_actor))
    except ServiceError as error:
        if error.status in NOT_YOURS:
            raise
        return redirect(url_for("scenario_builder.index", error=error.detail))
    db.commit()
    return redirect(url_for("scenario_builder.show", scenario_id=scenario.id))


@require(MANAGE)
def upstream(scenario_id, choice):
    """采用新版本 (own settings changes kept) or 保留现有版本."""
    db = get_session()
    try:
        copy = versions.scenario_for(db, current_actor, scenario_id)
        if choice == "accept":
            publish_down.accept(db, current_actor, copy, copy.latest_version)
        else:
            publish_down.decline(db, current_actor, copy)
    except ServiceError as error:
        if error.status in NOT_YOURS:
            raise
        return redirect(url_for("scenario_builder.show", scenario_id=scenario_id, notice=error.detail))
    db.commit()
    notice = "已采用上级的新版本，保留了本级的设置修改" if choice == "accept" else "已保留现有版本"
    return redirect(url_for("scenario_builder.show", scenario_id=scenario_id, notice=notice))


@login_required
def show(scenario_id):
    """The published version for the staff it reaches; an admin of the scenario sees the
    latest version (a preview, marked as such)."""
    db = get_session()
    scenario, number, org_path = _visible(db, scenario_id)
    document = versions.version_document(db, scenario, number)
    preview = number != scenario.published_version
    if not preview:  # before the blocks render: their forms carry the scenario (``scenario_field``)
        meter_scenario(scenario.id, org_path)
    offers, context = block_offers(), {"actor": current_actor, "org_path": org_path}
    render = block_renderer(context)  # the lifecycle read once for the page, not per block
    rendered = [rendered_block(offers, placed, context, render) for placed in document["blocks"]]
    return render_template(
        "scenario_builder/show.html",
        scenario=scenario,
        document=document,
        blocks=rendered,
        preview=preview,
        number=number,
        failed=_failed_runs_for_admin(db, scenario),
        news=publish_down.upstream_news(db, scenario) if _manages(scenario) else None,
        notice=request.args.get("notice"),
    )


def _failed_runs_for_admin(db, scenario):
    """Failed trigger runs, shown only to those who manage the scenario."""
    return triggers.failed_runs(db, scenario) if _manages(scenario) else []


def _manages(scenario):
    return scope_for(current_actor, MANAGE).covers(scenario.org_path)


@require(MANAGE)
def retry_trigger(scenario_id, run_id):
    db = get_session()
    try:
        scenario = versions.scenario_for(db, current_actor, scenario_id)
    except ServiceError:
        abort(404)
    run = triggers.retry(db, current_actor, scenario, run_id)
    if run is None:
        abort(404)
    db.commit()
    notice = "重试成功" if run.status == "done" else "重试仍未成功，请查看失败原因"
    return redirect(url_for("scenario_builder.show", scenario_id=scenario_id, notice=notice))


def _visible(db, scenario_id):
    for scenario, version, path in workbench.reaching(db, current_actor):
        if scenario.id == scenario_id:
            return scenario, version.number, path
    try:
        scenario = versions.scenario_for(db, current_actor, scenario_id)
    except ServiceError:
        abort(404)
    return scenario, scenario.latest_version, scenario.org_path


def rendered_block(offers, placed, context, render=None):
    offer = offers.get((placed["plugin"], placed["block"]))
    if offer is None:
        return {"title": "未安装的功能块", "icon": "", "html": "该功能块暂不可用：所属的功能模块未安装"}
    if not plugin_enabled_at(offer.plugin, context["org_path"]):  # settings kept: switching it back on restores it
        why = module_unavailable(get_session(), offer.plugin, context["org_path"]) or "未在本组织启用"
        reason = f"该功能块暂不可用：功能模块「{offer.plugin_title}」{why}"
        return {"title": offer.entry["title"]["zh"], "icon": offer.entry.get("icon", ""), "html": reason}
    settings = placed["settings"]
    current = offer.entry.get("settings_version", 1)
    if placed.get("settings_version", current) < current:  # saved before a plugin upgrade
        settings = offer.block.migrate_settings(dict(settings), placed["settings_version"])
    html = render(offer.block, settings) if render else render_block(offer.block, settings, context)
    return {"title": offer.entry["title"]["zh"], "icon": offer.entry.get("icon", ""), "html": html}


def add_routes(pages):
    pages.add_url_rule("/", view_func=index, endpoint="index")
    pages.add_url_rule("/", view_func=create, endpoint="create", methods=["POST"])
    pages.add_url_rule("/<int:scenario_id>", view_func=show, endpoint="show")
    pages.add_url_rule("/templates/<key>/use", view_func=use_template, endpoint="use_template", methods=["POST"])
    pages.add_url_rule("/offered/<int:source_id>/adopt", view_func=adopt, endpoint="adopt", methods=["POST"])
    pages.add_url_rule(
        "/<int:scenario_id>/upstream/<any(accept, decline):choice>",
        view_func=upstream,
        endpoint="upstream",
        methods=["POST"],
    )
    pages.add_url_rule(
        "/<int:scenario_id>/triggers/<int:run_id>/retry",
        view_func=retry_trigger,
        endpoint="retry_trigger",
        methods=["POST"],
    )
