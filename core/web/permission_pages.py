"""Pages for role packages (/packages) and grants (/grants): plain forms, post-redirect-get.

The pages call the same service functions as the JSON API, so both refuse the same things
with the same Chinese messages; on a refusal the page shows the message and stores nothing.
They live in core.web, not core.permissions, because they pick org nodes by name
(core.orgs.picker), and core.orgs sits above core.permissions.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core.api.errors import ApiError
from core.auth.actor import current_actor
from core.auth.models import User
from core.db import get_session
from core.orgs.node_filter import node_filter
from core.orgs.picker import node_choices
from core.permissions import grants as grant_rules
from core.permissions import service
from core.permissions.access import require, scope_for
from core.permissions.ids import PACKAGE_NAME_PATTERN
from core.permissions.refusals import audit_refusal
from core.state import state_of
from core.tree.scope import scope_of_model

bp = Blueprint("core_permissions", __name__)

# Titles of permission owners in the composer; a plugin's owner shows its own name.
GRANTS_PER_PAGE = 200


# ------------------------------------------------------------------ packages


@bp.route("/packages")
@require("core.package_read")
def packages():
    return _packages_page()


@bp.route("/packages", methods=["POST"])
@require("core.package_write")
def create_package():
    form = _package_form(with_name=True)
    error = _attempt(lambda db: service.create_package(db, current_actor, form, _ip()))
    if error:
        return _packages_page(form=form, error=error)
    flash(_("角色包“%(title)s”已创建。", title=form["title_zh"].strip()))
    return redirect(url_for(".packages"))


@bp.route("/packages/<name>/edit", methods=["GET", "POST"])
@require("core.package_read")
def edit_package(name):
    db = get_session()
    try:
        package = service.get_package(db, current_actor, name)
    except ApiError as error:
        return _packages_page(error=error)
    if request.method == "GET":
        return _packages_page(form=package, editing=package)
    form = _package_form(with_name=False)
    error = _attempt(lambda db: service.update_package(db, current_actor, name, form, _ip()))
    if error:
        return _packages_page(form={**form, "name": name}, editing=package, error=error)
    flash(_("角色包“%(title)s”已保存。", title=form["title_zh"].strip()))
    return redirect(url_for(".packages"))


@bp.route("/packages/<name>/delete", methods=["POST"])
@require("core.package_write")
def delete_package(name):
    error = _attempt(lambda db: service.delete_package(db, current_actor, name, _ip()))
    if error:
        return _packages_page(error=error)
    flash(_("角色包“%(name)s”已删除。", name=name))
    return redirect(url_for(".packages"))


def _packages_page(form=None, editing=None, error=None):
    db = get_session()
    page = render_template(
        "core/permissions/packages.html",
        packages=service.list_packages(db, current_actor),
        groups=_permission_groups(),
        titles=_permission_titles(),
        may_write=bool(service.package_writer_roots(db, current_actor)),
        form=form or {"permissions": []},
        editing=editing,
        error=error and error.detail,
    )
    return page, error.status if error else 200


def _permission_titles():
    return {permission.name: permission.title_zh for permission in service.catalogue().all()}


def _package_form(with_name):
    form = {
        "title_zh": request.form.get("title_zh", ""),
        "title_en": request.form.get("title_en", ""),
        "description": request.form.get("description", ""),
        "permissions": request.form.getlist("permissions"),
    }
    if with_name:
        form["name"] = request.form.get("name", "").strip()
    return form


def _permission_groups():
    """[(owner title, [Permission])] in catalogue order, for the composer's checkboxes."""
    groups = {}
    for permission in service.catalogue().all():
        groups.setdefault(permission.owner, []).append(permission)
    titles = state_of().host.titles()
    return [(titles.get(owner, owner), items) for owner, items in groups.items()]


# ------------------------------------------------------------------ grants


@bp.route("/grants")
@require("core.grant_read")
def grants():
    return _grants_page()


@bp.route("/grants", methods=["POST"])
@require("core.grant_write")
def create_grant():
    form = {
        "user_id": _int_or_text(request.form.get("user_id", "")),
        "package": request.form.get("package", ""),
        "org_path": request.form.get("org_path", ""),
    }
    outcome, error = _attempt_with_result(lambda db: grant_rules.create_grant(db, current_actor, form, _ip()))
    if error:
        return _grants_page(form=form, error=error)
    grant, created = outcome
    message = (
        _("已将“%(package)s”授予 %(user)s（%(node)s）。")
        if created
        else _("%(user)s 在%(node)s已持有“%(package)s”，无需重复授予。")
    )
    flash(message % {"package": grant["package_title"], "user": grant["display_name"], "node": grant["org_name"]})
    return redirect(url_for(".grants"))


@bp.route("/grants/<int:grant_id>/revoke", methods=["POST"])
@require("core.grant_write")
def revoke_grant(grant_id):
    error = _attempt(lambda db: grant_rules.revoke_grant(db, current_actor, grant_id, _ip()))
    if error:
        return _grants_page(error=error)
    flash(_("授权已收回，立即生效。"))
    return redirect(url_for(".grants"))


def _grants_page(form=None, error=None):
    db = get_session()
    package = request.args.get("package", "")
    package = package if PACKAGE_NAME_PATTERN.fullmatch(package) else None
    filter_nodes = node_choices(db, scope_for(current_actor, "core.grant_read"))
    node = node_filter(filter_nodes, request.args.get("org"), _("组织节点"))
    items, total = [], 0
    if not node.unclear:
        items, total = grant_rules.list_grants(
            db, current_actor, package=package, org_path=node.path or None, limit=GRANTS_PER_PAGE
        )
    write_scope = scope_for(current_actor, "core.grant_write")
    choices = {}
    if write_scope:
        choices = {"users": _visible_users(db), "nodes": node_choices(db, write_scope)}
    page = render_template(
        "core/permissions/grants.html",
        grants=items,
        total=total,
        write_scope=write_scope,
        packages=service.list_packages(db, current_actor),
        package_filter=package or "",
        filter_nodes=filter_nodes,
        node_filter=node.path,
        form=form or {},
        error=(error and error.detail) or node.problem,
        **choices,
    )
    return page, error.status if error else 200


def _visible_users(db, limit=500):
    """Active accounts the actor may see: the ones the grant form offers."""
    statement = select(User).where(User.is_active).order_by(User.username).limit(limit)
    return db.exec(scope_of_model(statement, scope_for(current_actor, "core.user_read"), User)).all()


def _int_or_text(value):
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else value


# ------------------------------------------------------------------ shared


def _attempt(change):
    """Run a service change and commit it; return the ApiError (rolled back) instead of raising."""
    return _attempt_with_result(change)[1]


def _attempt_with_result(change):
    db = get_session()
    try:
        with service.refusals_named():
            result = change(db)
    except ApiError as error:
        db.rollback()
        if error.status == 403:  # the page answers itself, so the shared handler never sees it
            audit_refusal(error.detail)
        return None, error
    db.commit()
    return result, None


def _ip():
    return request.remote_addr or ""
