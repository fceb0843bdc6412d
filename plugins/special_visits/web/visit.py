"""The visit record page, phone first: ``/special_visits/entries/<id>`` shows everything
already known (name, address, masked phone, group, last visit and its findings, open
follow-ups) above a form of taps — form of visit, findings defaulting to 正常 — a short note,
an optional photo and "需要后续跟进". It posts with the core's offline mechanism
(``data-offline``, a hidden ``client_key``): a resend stores the visit once and answers as
the first time (303 to the saved visit)."""

from flask import flash, redirect, render_template, request, url_for

from core.public import (
    ApiError,
    attach_file,
    attachment_url,
    attachments_of,
    can,
    current_actor,
    display_names,
    form_errors,
    get_session,
    has_photo,
    not_found,
    photo_uploads,
    read_form,
    record_audit,
    render_form,
    require,
    scope_for,
)
from plugins.special_visits.groups.defaults import FREQUENCY_TITLES
from plugins.special_visits.groups.services import group_by_id
from plugins.special_visits.models import ACTIVE
from plugins.special_visits.permissions import ASSIGN, PLUGIN, ROSTER_READ, VISIT_RECORD
from plugins.special_visits.roster import assign as assigning
from plugins.special_visits.visits import services
from plugins.special_visits.visits.forms import routine_prefill, visit_schema
from plugins.special_visits.visits.keys import client_key_of
from plugins.special_visits.web.present import REASON_TITLES, STATUS_TITLES, entry_row, visit_view
from plugins.special_visits.web.resident import resident_brief, workers_near

RECORD_TYPE = "visit"


def _entry_or_404(db, permission, entry_id):
    entry = services.entry_in(db, scope_for(current_actor, permission), entry_id)
    if entry is None:
        raise not_found()
    return entry


@require(ROSTER_READ)
def entry_page(entry_id):
    db = get_session()
    entry = _entry_or_404(db, ROSTER_READ, entry_id)
    group = group_by_id(db, entry.group_id)
    schema = visit_schema(tuple(group.checklist))
    return _render(db, entry, group, schema, routine_prefill(group.checklist), {})


def _render(db, entry, group, schema, values, errors, status=200):
    scope = scope_for(current_actor, ROSTER_READ)
    history = services.visits_of(db, scope, entry.id, limit=5)
    names = display_names(db, {v.visitor for v in history} | {entry.assigned_to or ""})
    can_record = entry.status == ACTIVE and can(current_actor, VISIT_RECORD, entry.org_path)
    can_assign = can(current_actor, ASSIGN, entry.org_path)
    return render_template(
        "special_visits/entry.html",
        row=entry_row(entry, group.name, names),
        group=group,
        frequency=FREQUENCY_TITLES.get(group.frequency, ""),
        resident=resident_brief(db, entry),
        history=[visit_view(visit, names) for visit in history],
        follow_ups=[visit_view(v, names) for v in history if v.follow_up],
        can_record=can_record,
        fields=render_form(schema, values, errors) if can_record else "",
        multipart=has_photo(schema),
        workers=workers_near(db, entry) if can_assign else None,
        status_title=STATUS_TITLES.get(entry.status, ""),
        reason_title=REASON_TITLES.get(entry.status_reason, ""),
    ), status


@require(VISIT_RECORD)
def record(entry_id):
    db, scope = get_session(), scope_for(current_actor, VISIT_RECORD)
    entry = _entry_or_404(db, VISIT_RECORD, entry_id)
    client_key = client_key_of(request.form)
    earlier = services.visit_with_key(db, scope, client_key)
    if earlier is not None:  # a resend from the phone: already stored, answer as the first time
        return redirect(url_for(".visit_page", visit_id=earlier.id), 303)
    group = group_by_id(db, entry.group_id)
    schema = visit_schema(tuple(group.checklist))
    values = read_form(schema, request.form)
    errors = form_errors(schema, values)
    if errors:
        return _render(db, entry, group, schema, values, errors, 422)
    photos = photo_uploads(schema, request.files)
    visit, created = services.record_visit(
        db, scope, entry, values, current_actor, client_key, attach=lambda visit: _attach(db, visit, photos)
    )
    if created:
        flash(f"已登记对 {entry.resident_name} 的走访。", "success")
    return redirect(url_for(".visit_page", visit_id=visit.id), 303)


def _attach(db, visit, photos):
    for upload in photos.values():
        attach_file(
            db,
            plugin=PLUGIN,
            record_type=RECORD_TYPE,
            record_id=visit.id,
            org_path=visit.org_path,
            upload=upload,
            actor=current_actor,
            permission=ROSTER_READ,
        )


@require(ROSTER_READ)
def visit_page(visit_id):
    db, scope = get_session(), scope_for(current_actor, ROSTER_READ)
    visit = services.visit_in(db, scope, visit_id)
    if visit is None:
        raise not_found()
    entry = services.entry_in(db, scope, visit.entry_id)
    names = display_names(db, {visit.visitor})
    photos = [attachment_url(a, "phone") for a in attachments_of(db, PLUGIN, RECORD_TYPE, visit.id, scope)]
    return render_template("special_visits/visit.html", shown=visit_view(visit, names), entry=entry, photos=photos)


@require(ASSIGN)
def assign(entry_id):
    db = get_session()
    entry = _entry_or_404(db, ASSIGN, entry_id)
    username = (request.form.get("username") or "").strip()
    allowed = {worker.username for worker in workers_near(db, entry)}
    if username and username not in allowed:
        raise ApiError(422, "走访人：请从列表中选择本社区的网格员。", pointer="/username")
    assigning.override(db, entry, username)
    record_audit(
        db,
        f"{PLUGIN}.entry_assigned",
        actor=current_actor.username,
        target=f"{PLUGIN}_entry:{entry.id}",
        org_path=entry.org_path,
        detail={"assigned_to": entry.assigned_to or "", "override": entry.assigned_override},
    )
    db.commit()
    flash("已更新走访人。", "success")
    return redirect(url_for(".entry_page", entry_id=entry.id), 303)


def add_routes(pages, api):
    pages.add_url_rule("/entries/<int:entry_id>", "entry_page", entry_page)
    pages.add_url_rule("/entries/<int:entry_id>", "record", record, methods=["POST"])
    pages.add_url_rule("/entries/<int:entry_id>/assign", "assign", assign, methods=["POST"])
    pages.add_url_rule("/visits/<int:visit_id>", "visit_page", visit_page)
