"""Account pages (账号管理): plain HTML forms over the same service functions as the API."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.api.errors import ServiceError
from core.auth.actor import current_actor
from core.db import get_session
from core.orgs.node_filter import node_filter
from core.orgs.picker import node_choices
from core.permissions.access import require, scope_for
from core.permissions.service import package_titles
from core.users import service
from core.users.api import GRANT_READ, READ, WRITE, acting_now, filter_from_query, min_password_length

bp = Blueprint("core_users", __name__)

PAGE_SIZE = 50


@bp.route("/users")
@require(READ)
def index():
    db = get_session()
    page = _page_number()
    read_scope = scope_for(current_actor, READ)
    choices = node_choices(db, read_scope)
    node = node_filter(choices, request.args.get("org_path"), _("所属组织"))
    try:
        filters = filter_from_query({**request.args.to_dict(), "org_path": node.path})
    except ServiceError as error:
        filters, problem = service.UserFilter(), error.detail
    else:
        problem = node.problem
    filters = service.UserFilter(
        q=filters.q,
        org_path=filters.org_path,
        is_active=filters.is_active,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    users, total = ([], 0) if node.unclear else service.list_users(db, read_scope, filters)
    return render_template(
        "core/users/index.html",
        users=service.describe_users(db, users, _grant_scope()),
        node_choices=choices,
        package_titles=package_titles(db),
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        filters=filters,
        error=problem,
        can_write=bool(scope_for(current_actor, WRITE)),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@require(WRITE)
def new():
    db = get_session()
    if request.method == "GET":
        return _new_form(db, {})
    form = request.form
    try:
        user = service.create_user(
            db,
            scope_for(current_actor, WRITE),
            acting_now(),
            username=form.get("username"),
            display_name=form.get("display_name"),
            password=_confirmed_password(form),
            org_path=form.get("org_path"),
            min_password_length=min_password_length(),
        )
    except ServiceError as error:
        db.rollback()
        return _new_form(db, form, error), error.status
    db.commit()
    flash(_("账号 %(name)s 已创建。", name=user.username))
    return redirect(url_for("core_users.detail", user_id=user.id))


@bp.route("/users/<int:user_id>")
@require(READ)
def detail(user_id):
    return _detail_page(get_session(), user_id)


@bp.route("/users/<int:user_id>", methods=["POST"])
@require(WRITE)
def update(user_id):
    db = get_session()
    form = request.form
    changes = {
        "display_name": form.get("display_name", ""),
        "org_path": form.get("org_path", ""),
        "is_active": form.get("is_active") == "1",
    }
    try:
        service.update_user(db, scope_for(current_actor, WRITE), acting_now(), user_id, changes)
    except ServiceError as error:
        return _refused(db, user_id, error, "edit")
    db.commit()
    flash(_("账号信息已保存。"))
    return redirect(url_for("core_users.detail", user_id=user_id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@require(WRITE)
def reset_password(user_id):
    db = get_session()
    try:
        service.reset_password(
            db,
            scope_for(current_actor, WRITE),
            acting_now(),
            user_id,
            _confirmed_password(request.form),
            min_password_length(),
        )
    except ServiceError as error:
        return _refused(db, user_id, error, "password")
    db.commit()
    flash(_("密码已重置，该账号在所有设备上的登录均已失效。"))
    return redirect(url_for("core_users.detail", user_id=user_id))


def _confirmed_password(form):
    """The new password, once both entries agree (a typo would lock the person out)."""
    password = form.get("password", "")
    if "confirm_password" in form and form["confirm_password"] != password:
        raise ServiceError(422, _("两次输入的密码不一致。"), "/password")
    return password


def _refused(db, user_id, error, form_name):
    db.rollback()
    if error.status == 404:
        abort(404)
    if error.status == 403:  # through the shared handler, which records the refusal
        raise error
    return _detail_page(db, user_id, error=error.detail, error_form=form_name, submitted=request.form), error.status


def _detail_page(db, user_id, **extra):
    try:
        user = service.get_user(db, scope_for(current_actor, READ), user_id)
    except ServiceError:
        abort(404)
    write_scope = scope_for(current_actor, WRITE)
    in_scope = write_scope.covers(user.org_path)
    # Forms only for an account the actor may change; otherwise say why.
    refusal = service.management_refusal(db, write_scope, acting_now(), user) if in_scope else None
    writable = in_scope and refusal is None
    return render_template(
        "core/users/detail.html",
        user=service.describe_users(db, [user], _grant_scope())[0],
        writable=writable,
        is_self=user.id == current_actor.id,
        refusal=refusal and refusal.detail,
        nodes=node_choices(db, write_scope) if writable else [],
        package_titles=package_titles(db),
        **extra,
    )


def _new_form(db, submitted, error=None):
    return render_template(
        "core/users/new.html",
        nodes=node_choices(db, scope_for(current_actor, WRITE)),
        submitted=submitted,
        error=error.detail if error else None,
        error_field=(error.pointer or "").lstrip("/") if error else None,
    )


def _grant_scope():
    return scope_for(current_actor, GRANT_READ)


def _page_number():
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 and 0 < int(raw) < 10**6 else 1
