"""Import rows held for a county check (``importing/held.py``): the list and "已核对" for
whoever reads both the import's node and the record a row matches — API and page."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from core.public import api_route, get_session, require
from plugins.resident_info.importing import held
from plugins.resident_info.permissions import IMPORT, PLUGIN
from plugins.resident_info.web import names
from plugins.resident_info.web.current import current_import_access

TAGS = [PLUGIN]


@require(IMPORT)
def list_held():
    return {"items": held.held_rows(get_session(), current_import_access())}


@require(IMPORT)
def resolve_held(problem_id):
    db = get_session()
    problem = held.resolve(db, current_import_access(), problem_id)
    db.commit()
    return {"id": problem.id, "resolved_by": problem.resolved_by}


@require(IMPORT)
def held_page():
    db = get_session()
    rows = held.held_rows(db, current_import_access())
    people = names.display_names(db, {row["imported_by"] for row in rows})
    return render_template(f"{PLUGIN}/import_held.html", rows=rows, people=people)


@require(IMPORT)
def resolve_held_page(problem_id):
    db = get_session()
    held.resolve(db, current_import_access(), problem_id)
    db.commit()
    flash(_("已标记为核对完毕。"))
    return redirect(url_for(".held_page"))


def add_routes(pages, api):
    api_route(api, "/imports/held", summary="待县级核对的导入行（身份证号已在本县其他地方登记）", tags=TAGS)(list_held)
    api_route(
        api,
        "/imports/held/<int:problem_id>/resolve",
        methods=["POST"],
        summary="标记一条待核对的导入行为已核对",
        tags=TAGS,
    )(resolve_held)
    pages.add_url_rule("/import/held", view_func=held_page)
    pages.add_url_rule("/import/held/<int:problem_id>/resolve", view_func=resolve_held_page, methods=["POST"])
