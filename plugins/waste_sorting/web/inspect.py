"""Inspecting on a phone: ``/inspect`` lists the points (most recently inspected by this
person first), ``/inspect/<point_id>`` is the form — every item passes until tapped, a photo
per failed item, a note, save — and ``/points/<point_id>/qr`` prints the code that opens it.
The form posts with a ``client_key`` (the core's offline mechanism resends it when the
signal is lost); a key already stored answers like the first time: 303 to the inspection."""

import segno
from flask import redirect, request, url_for

from core.public import client_key_of, current_actor, get_session, require, scope_for
from plugins.waste_sorting.checklists import services as checklists
from plugins.waste_sorting.inspections import rectify, services
from plugins.waste_sorting.permissions import INSPECT, READ
from plugins.waste_sorting.points.services import find_point, points_by_recent_visit
from plugins.waste_sorting.web.common import render

NOTE_MAX = 500


@require(INSPECT)
def pick_point():
    db, scope = get_session(), scope_for(current_actor, INSPECT)
    points = points_by_recent_visit(db, scope, current_actor.username)
    inspected_today = services.inspected_today(db, scope)
    return render("pick.html", points=points, inspected_today=inspected_today)


@require(INSPECT)
def inspect_point(point_id):
    db, scope = get_session(), scope_for(current_actor, INSPECT)
    point = find_point(db, scope, point_id)
    if point.status != "active":
        return render("closed_point.html", point=point), 409
    county, street = checklists.effective(db, point.org_path)
    if request.method == "POST":
        key = client_key_of(request.form)
        failed = request.form.getlist("failed")
        photos = {k: request.files.get(f"photo_{k}") for k in failed}
        note = request.form.get("note", "")[:NOTE_MAX]
        inspection = services.stored_once(
            db,
            scope,
            key,
            lambda: services.record_inspection(db, point, failed, note, current_actor, client_key=key, photos=photos),
        )
        return redirect(url_for(".inspection_detail", inspection_id=inspection.id), 303)
    return render(
        "inspect.html",
        point=point,
        items=checklists.items_of(county, street),
        version=checklists.version_label(county, street),
        rectification=rectify.open_rectification_of(db, point),
    )


@require(READ)
def inspection_detail(inspection_id):
    db, scope = get_session(), scope_for(current_actor, READ)
    inspection = services.find_inspection(db, scope, inspection_id)
    point = find_point(db, scope, inspection.point_id)
    county = checklists.by_id(db, inspection.checklist_id)
    street = checklists.by_id(db, inspection.street_checklist_id)
    return render(
        "inspection.html",
        inspection=inspection,
        point=point,
        items=services.items_with_photos(db, scope, inspection),
        version=checklists.version_label(county, street),
        pass_mark=county.pass_mark,
    )


@require(INSPECT)
def point_qr(point_id):
    point = find_point(get_session(), scope_for(current_actor, INSPECT), point_id)
    address = url_for(".inspect_point", point_id=point.id, _external=True)
    svg = segno.make(address, error="m").svg_inline(scale=6, border=2)
    return render("qr.html", point=point, svg=svg, address=address)


def add_routes(pages, api):
    pages.add_url_rule("/inspect", "pick_point", pick_point)
    pages.add_url_rule("/inspect/<int:point_id>", "inspect_point", inspect_point, methods=["GET", "POST"])
    pages.add_url_rule("/inspections/<int:inspection_id>", "inspection_detail", inspection_detail)
    pages.add_url_rule("/points/<int:point_id>/qr", "point_qr", point_qr)
