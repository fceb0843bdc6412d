"""Target groups (走访对象类别), for county and street admins: the list, a rule form drawn
from a JSON Schema (no code: tags, ages, frequency, findings, grace, alerts) and its live
preview count (``/api/v1/special_visits/groups/preview``)."""

from flask import flash, redirect, render_template, request, url_for

from core.public import (
    ApiError,
    current_actor,
    form_errors,
    get_session,
    node_choices,
    not_found,
    read_form,
    record_audit,
    render_form,
    require,
    scope_for,
)
from plugins.special_visits.groups import services
from plugins.special_visits.groups.defaults import FINDINGS, FREQUENCY_TITLES
from plugins.special_visits.models import TargetGroup
from plugins.special_visits.permissions import GROUP_MANAGE, PLUGIN

NEW_VALUES = {"frequency": "monthly", "checklist": list(FINDINGS), "grace_days": 3, "active": True}


def _places(db):
    """Counties and streets in the manager's scope: where a group can be defined."""
    return [
        choice for choice in node_choices(db, scope_for(current_actor, GROUP_MANAGE)) if choice.path.count("/") <= 1
    ]


@require(GROUP_MANAGE)
def index():
    db = get_session()
    groups = services.groups_in(db, scope_for(current_actor, GROUP_MANAGE))
    return render_template("special_visits/groups.html", groups=groups, frequencies=FREQUENCY_TITLES)


@require(GROUP_MANAGE)
def edit(group_id=None):
    db, scope = get_session(), scope_for(current_actor, GROUP_MANAGE)
    group = None
    if group_id is not None:
        group = services.group_by_id(db, group_id)
        if group is None or not scope.covers(group.org_path):
            raise not_found()
    places = _places(db)
    values = services.form_values(group) if group else dict(NEW_VALUES)
    org_path = group.org_path if group else (places[0].path if places else "")
    errors, status = {}, 200
    if request.method == "POST":
        values = read_form(services.GROUP_FORM, request.form)
        org_path = group.org_path if group else request.form.get("org_path", "")
        errors = form_errors(services.GROUP_FORM, values) or _place_error(places, org_path)
        if not errors:
            try:
                saved = _save(db, group, values, org_path)
            except ApiError as refused:
                errors = {(refused.pointer or "/_form").lstrip("/"): refused.detail}
            else:
                flash(f"已保存走访对象类别“{saved.name}”，名单将在今晚自动更新。", "success")
                return redirect(url_for(".groups"), 303)
        status = 422
    return render_template(
        "special_visits/group_form.html",
        group=group,
        fields=render_form(services.GROUP_FORM, values, errors),
        places=places,
        org_path=org_path,
        place_error=errors.get("org_path"),
    ), status


def _place_error(places, org_path):
    return {} if org_path in {place.path for place in places} else {"org_path": "适用范围：请选择您管理的县或街道。"}


def _save(db, group, values, org_path):
    group = services.apply_form(group or TargetGroup(org_path=org_path), values)
    db.add(group)
    db.flush()
    record_audit(
        db,
        f"{PLUGIN}.group_saved",
        actor=current_actor.username,
        target=f"{PLUGIN}_group:{group.id}",
        org_path=group.org_path,
        detail={"name": group.name, "rule": group.rule, "frequency": group.frequency},
    )
    db.commit()
    return group


def add_routes(pages, api):
    pages.add_url_rule("/groups", "groups", index)
    pages.add_url_rule("/groups/new", "new_group", edit, methods=["GET", "POST"])
    pages.add_url_rule("/groups/<int:group_id>", "edit_group", edit, methods=["GET", "POST"])
