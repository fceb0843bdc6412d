"""The register's pages, ``/resident_info/…``: list with filters, resident detail (masked)
with its history, "显示完整信息" (POST, audited) for holders of READ_SENSITIVE, the
registration form generated from the JSON Schemas, the edit form carrying the record's
version, merging a near-duplicate. Routes: ``add_routes`` at the end."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.public import (
    ApiError,
    can,
    clean_text,
    current_actor,
    get_session,
    node_choices,
    not_found,
    place_names,
    require,
    scope_for,
)
from plugins.resident_info.permissions import IMPORT, PLUGIN, READ, READ_SENSITIVE, WRITE
from plugins.resident_info.register import fields, forms, queries, services
from plugins.resident_info.register.merge import merge_residents
from plugins.resident_info.register.present import resident_json, snapshot
from plugins.resident_info.register.validation import FIELDS, HEALTH_TAGS, county_of
from plugins.resident_info.web import names
from plugins.resident_info.web.current import current_access, refuse_id_search_without_sensitive
from plugins.resident_info.web.documents import listed
from plugins.resident_info.web.reveal_grants import REASON_MAX, grant_reveal, reveal_granted

PAGE_SIZE = 20
# "import_source" appears only in history: where an imported record came from.
FIELD_TITLES = {**{key: spec.get("title") for key, spec in FIELDS.items()}, "import_source": "导入来源"}
TITLES = {
    name: FIELDS[name].get("x-enum-titles", {}) for name in ("gender", "status", "registration", "relation_to_head")
}


def _render(template, **context):
    return render_template(f"{PLUGIN}/{template}", titles=TITLES, field_titles=FIELD_TITLES, **context)


@require(READ)
def index():
    access, db = current_access(), get_session()
    page = _page_number()
    choices = node_choices(db, access.read)
    filters, error = _list_filters(choices, access, page)
    # A refused filter shows no one: a list of everyone would look like the answer.
    rows, total = ([], 0) if error else queries.list_residents(db, access, filters)
    _schema, county_tags = fields.county_settings(db, county_of(current_actor.org_path))
    tags = [choice["tag"] for choice in forms.tag_choices(county_tags, [], bool(access.health))]
    return _render(
        "index.html",
        residents=[_shown(row, access) for row in rows],
        total=total,
        filters=filters,
        error=error,
        node_choices=choices,
        places=names.places_below_scope(choices),
        typed_node=request.args.get("org_name", "")[: names.NODE_TEXT_MAX] if error else "",
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        tags=tags,
        sorts=queries.SORT_TITLES,
        can_write=bool(access.write),
        can_search_id=bool(access.sensitive),
        can_import=bool(scope_for(current_actor, IMPORT)),
        page_args={k: v for k, v in filters.as_args().items() if k not in ("limit", "offset")},
    )


def _list_filters(choices, access, page):
    """``(filters, error)``: the list's filters, the 网格 one read as a node of ``choices``
    (picked, or typed by name); the first refusal's Chinese reason, or None."""
    error, org_path = None, ""
    try:
        org_path = names.node_from_args(choices, request.args)
    except ApiError as problem:
        error = problem.detail
    args = {**request.args.to_dict(), "org_path": org_path}
    try:
        filters = queries.filter_from_args(args, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        refuse_id_search_without_sensitive(filters, access)
    except ApiError as problem:
        return queries.ResidentFilter(limit=PAGE_SIZE), error or _in_page_words(problem)
    return filters, error


# The filters' reasons name the API's parameter; the page names the field as its label does.
FILTER_LABELS = {"min_age": "最小年龄", "max_age": "最大年龄", "status": "状态", "sort": "排序", "page": "页码"}


def _in_page_words(problem):
    name = (problem.pointer or "").lstrip("/")
    return problem.detail.replace(name, FILTER_LABELS[name], 1) if name in FILTER_LABELS else problem.detail


def _page_number():
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0 else 1


def _shown(resident, access, reveal=False):
    return resident_json(resident, health_visible=access.health.covers(resident.org_path), reveal=reveal)


@require(READ)
def detail(resident_id):
    """The resident, masked — or in full while this reader's reveal grant lasts (the view
    was logged when the grant was made)."""
    access = current_access()
    resident = services.find_resident(get_session(), access.read, resident_id)
    full = reveal_granted(current_actor.id, resident.id) and can(current_actor, READ_SENSITIVE, resident.org_path)
    return _detail_page(resident, access, reveal=full)


@require(READ_SENSITIVE)
def reveal(resident_id):
    """Asked for with a reason: one audit entry carrying it, then 303 to the detail page."""
    access, db = current_access(), get_session()
    resident = services.find_resident(db, access.read, resident_id)
    if not can(current_actor, READ_SENSITIVE, resident.org_path):
        raise not_found("没有找到这位居民，或不在您的管理范围内。")
    try:
        reason = clean_text(request.form.get("reason"), label="查看理由", pointer="/reason", max_length=REASON_MAX)
    except ApiError as problem:
        return _detail_page(resident, access, reveal_error=problem.detail), 422
    services.reveal(db, access, resident, reason=reason)
    db.commit()
    grant_reveal(current_actor.id, resident.id)
    return redirect(url_for(".detail", resident_id=resident.id), 303)


def _detail_page(resident, access, reveal=False, reveal_error=None):
    db = get_session()
    history = services.history_for(db, access, resident, reveal)
    duplicates = [] if resident.merged_into_id else services.near_duplicates(db, access, resident)
    documents = listed(db, access, resident)
    return _render(
        "detail.html",
        resident=_shown(resident, access, reveal),
        history=history,
        duplicates=duplicates,
        documents=documents,
        people=names.display_names(db, {h["actor"] for h in history} | {d["uploaded_by"] for d in documents["items"]}),
        extra_titles=_extra_titles(db, resident),
        can_reveal=not reveal and can(current_actor, READ_SENSITIVE, resident.org_path),
        reveal_error=reveal_error,
        reason_max=REASON_MAX,
        can_write=access.write.covers(resident.org_path) and not resident.merged_into_id,
    )


def _extra_titles(db, resident):
    """``{key: title}`` of the county's extra fields: the page names them as the form does."""
    extra_schema, _tags = fields.county_settings(db, resident.county_path)
    return {key: spec.get("title") or key for key, spec in (extra_schema or {}).get("properties", {}).items()}


@require(WRITE)
def new():
    access, db = current_access(), get_session()
    extra_schema, county_tags = fields.county_settings(db, county_of(current_actor.org_path))
    values, errors = {"org_path": _default_org(access), "registration": "registered", "status": "living"}, {}
    if request.method == "POST":
        values = forms.data_from_form(request.form, extra_schema)
        try:
            resident, duplicates = services.register_resident(db, access, values)
            db.commit()
        except ApiError as problem:
            db.rollback()
            errors = _field_errors(problem)
        else:
            flash(
                _("居民已登记。")
                + (_("发现 %(n)s 条疑似重复的记录，请在下方核对。", n=len(duplicates)) if duplicates else "")
            )
            return redirect(url_for(".detail", resident_id=resident.id))
    return _form_page("new", access, extra_schema, county_tags, values, errors), 422 if errors else 200


@require(WRITE)
def edit(resident_id):
    access, db = current_access(), get_session()
    resident = services.find_resident(db, access.read, resident_id)
    if not access.write.covers(resident.org_path):
        raise not_found("没有找到这位居民，或不在您的管理范围内。")
    extra_schema, county_tags = fields.county_settings(db, resident.county_path)
    values, errors, version = snapshot(resident), {}, resident.version
    if request.method == "POST":
        submitted = forms.data_from_form(request.form, extra_schema, editing=True)
        version = _form_int("version")
        try:
            services.update_resident(db, access, resident_id, {**submitted, "version": version})
            db.commit()
        except ApiError as problem:
            if problem.status == 404:
                raise
            db.rollback()
            errors, values = _field_errors(problem), {**snapshot(resident), **submitted}
        else:
            flash(_("修改已保存。"))
            return redirect(url_for(".detail", resident_id=resident_id))
    page = _form_page("edit", access, extra_schema, county_tags, values, errors, resident=resident, version=version)
    return page, (409 if errors.get("version") else 422) if errors else 200


@require(WRITE)
def merge_into(resident_id):
    """Merge a near-duplicate (``merge_id``) into this resident."""
    access, db = current_access(), get_session()
    try:
        merge_residents(
            db, access, resident_id, _form_int("keep_version"), _form_int("merge_id"), _form_int("merge_version")
        )
        db.commit()
        flash(_("记录已合并，双方的修改历史都已保留。"))
    except ApiError as problem:
        if problem.status == 404:
            raise
        db.rollback()
        flash(problem.detail, "error")
    return redirect(url_for(".detail", resident_id=resident_id))


def _form_int(name):
    raw = request.form.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0


def _field_errors(problem):
    """{input name: Chinese reason} from an ApiError (its ``errors`` or its one pointer):
    ``/extra/workplace`` is the input ``extra.workplace``, ``/tags/0/level`` the tags'."""
    if problem.status == 404:
        raise problem
    found = {}
    for error in problem.errors or [{"pointer": problem.pointer or "", "detail": problem.detail}]:
        parts = (error.get("pointer") or "").strip("/").split("/")
        field = parts[:2] if parts[0] == "extra" and len(parts) > 1 else parts[:1]
        found.setdefault(".".join(field) or "_form", error["detail"])
    return found


def _form_page(mode, access, extra_schema, county_tags, values, errors, resident=None, version=None):
    editing = mode == "edit"
    org_path = (resident.org_path if resident else values.get("org_path")) or ""
    health_visible = access.health.covers(org_path) if org_path else bool(access.health)
    return _render(
        "form.html",
        mode=mode,
        resident=resident,
        version=version,
        errors=errors,
        fields=forms.render_fields(
            extra_schema, values, errors, org_choices=org_choices(access, org_path), editing=editing
        ),
        tags=forms.tag_choices(county_tags, values.get("tags"), health_visible),
        health_tags=HEALTH_TAGS,
    )


def _default_org(access):
    paths = access.write.paths
    return paths[0] if len(paths) == 1 else ""


def org_choices(access, current="", limit=500):
    """``(path, name)`` of the nodes a writer may put a resident at — every node of the
    writer's subtrees (and the record's own node), by name, parents first."""
    db = get_session()
    choices = [(choice.path, choice.label) for choice in node_choices(db, access.write)[:limit]]
    if current and current not in {path for path, _ in choices}:
        choices.append((current, place_names(db, [current])[current]))
    return choices


def add_routes(pages, api):
    """This module's routes, on the page blueprint ``web.blueprints()`` builds."""
    pages.add_url_rule("/", view_func=index)
    pages.add_url_rule("/residents/<int:resident_id>", view_func=detail)
    pages.add_url_rule("/residents/<int:resident_id>/reveal", view_func=reveal, methods=["POST"])
    pages.add_url_rule("/residents/new", view_func=new, methods=["GET", "POST"])
    pages.add_url_rule("/residents/<int:resident_id>/edit", view_func=edit, methods=["GET", "POST"])
    pages.add_url_rule("/residents/<int:resident_id>/merge", view_func=merge_into, methods=["POST"])
