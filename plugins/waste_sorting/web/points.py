"""Collection points: list, detail (with history, recent inspections and the QR code),
create and edit (a form drawn from POINT_SCHEMA), close and reopen."""

from flask import redirect, request, url_for

from core.public import (
    current_actor,
    display_names,
    form_errors,
    get_session,
    node_choices,
    read_form,
    render_form,
    require,
    scope_for,
)
from plugins.waste_sorting.inspections.services import recent
from plugins.waste_sorting.permissions import INSPECT, MANAGE, READ
from plugins.waste_sorting.points import services
from plugins.waste_sorting.web.common import render


@require(READ)
def list_points():
    db, scope = get_session(), scope_for(current_actor, READ)
    status = request.args.get("status", "active")
    status = status if status in ("active", "closed") else "active"
    points = services.list_points(db, scope, status=status)
    return render(
        "points.html",
        points=points,
        status=status,
        names=display_names(db, [p.supervisor for p in points if p.supervisor]),
        can_manage=bool(scope_for(current_actor, MANAGE)),
    )


@require(READ)
def point_detail(point_id):
    db, scope = get_session(), scope_for(current_actor, READ)
    point = services.find_point(db, scope, point_id)
    changes = services.history(db, point)
    return render(
        "point.html",
        point=point,
        changes=changes,
        inspections=recent(db, scope, point_id=point.id, limit=20),
        names=display_names(db, [c.actor for c in changes] + [point.supervisor]),
        can_manage=scope_for(current_actor, MANAGE).covers(point.org_path),
        can_inspect=scope_for(current_actor, INSPECT).covers(point.org_path),
    )


@require(MANAGE)
def edit_point(point_id=None):
    db, scope = get_session(), scope_for(current_actor, MANAGE)
    point = services.find_point(db, scope, point_id) if point_id else None
    choices = [(c.path, c.label) for c in node_choices(db, scope) if c.path.count("/") >= 2]
    values = {f: getattr(point, f) for f in services.FIELDS} if point else {"bin_types": list(services.BIN_TYPES)}
    supervisors = services.supervisor_choices(db, scope, [path for path, _label in choices])
    errors = {}
    if request.method == "POST":
        values = read_form(services.POINT_SCHEMA, request.form)
        errors = form_errors(services.POINT_SCHEMA, values)
        if values.get("org_path") and not scope.covers(values["org_path"]):
            errors["org_path"] = "所在社区或网格：请从列表中选择。"
        if values.get("supervisor") and values["supervisor"] not in dict(supervisors):
            errors["supervisor"] = "督导员：请从列表中选择。"
        if not errors:
            point = services.save_point(db, values, current_actor, point)
            db.commit()
            return redirect(url_for(".point_detail", point_id=point.id), 303)
    fields = render_form(
        services.POINT_SCHEMA, values, errors, choices={"org_path": choices, "supervisor": supervisors}
    )
    return render("point_form.html", point=point, fields=fields), 422 if errors else 200


@require(MANAGE)
def change_status(point_id):
    db = get_session()
    point = services.find_point(db, scope_for(current_actor, MANAGE), point_id)
    status = "closed" if request.form.get("status") == "closed" else "active"
    services.set_status(db, point, status, current_actor)
    db.commit()
    return redirect(url_for(".point_detail", point_id=point.id), 303)


def add_routes(pages, api):
    pages.add_url_rule("/", "index", list_points)
    pages.add_url_rule("/points/<int:point_id>", "point_detail", point_detail)
    pages.add_url_rule("/points/new", "new_point", edit_point, methods=["GET", "POST"])
    pages.add_url_rule("/points/<int:point_id>/edit", "edit_point", edit_point, methods=["GET", "POST"])
    pages.add_url_rule("/points/<int:point_id>/status", "change_status", change_status, methods=["POST"])
