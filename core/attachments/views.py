"""``GET /attachments/<id>?size=phone|full``: the only way an attachment leaves the server.

The row names the permission that guards it; the signed-in actor must hold it at the row's
org node — which also means the owning plugin is enabled there (``can`` ANDs grants with
enablement). Everything else answers 404: a foreign tenant's file, a removed one, a missing
permission — nobody learns that an id exists. Views of files guarded by a permission the
plugin's manifest marks ``sensitive`` are audited, one entry per view, both sizes (the phone
copy shows a document just as legibly)."""

import logging
from urllib.parse import quote

from flask import Blueprint, Response, request, url_for

from core.api.errors import not_found
from core.attachments.models import Attachment
from core.attachments.storage import store_of
from core.audit.chain import record_audit
from core.auth.actor import current_actor
from core.db import get_session, system_options
from core.permissions.access import can, login_required
from core.state import state_of

bp = Blueprint("core_attachments", __name__)
SIZES = ("phone", "full")
log = logging.getLogger(__name__)


def attachment_url(attachment, size="phone"):
    """The permission-checked address of ``attachment`` (``size`` ``"phone"`` or ``"full"``)."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}")
    return url_for("core_attachments.serve", attachment_id=attachment.id, size=size)


@bp.route("/attachments/<int:attachment_id>")
@login_required
def serve(attachment_id):
    db = get_session()
    attachment = db.get(Attachment, attachment_id, execution_options=system_options("checked right below"))
    if not _may_view(attachment):
        raise not_found()
    size = "phone" if request.args.get("size", "phone") == "phone" and attachment.phone_hash else "full"
    key = attachment.phone_hash if size == "phone" else attachment.content_hash
    if is_sensitive(attachment.permission):
        _audit_view(db, attachment, size)
    return _file_answer(attachment, key)


def _may_view(attachment):
    return (
        attachment is not None
        and attachment.removed_at is None
        and attachment.permission.startswith(f"{attachment.plugin}.")
        and can(current_actor, attachment.permission, attachment.org_path)
    )


def is_sensitive(permission):
    """Does the owning plugin's manifest mark ``permission`` ``sensitive``?"""
    plugin, _, action = permission.partition(".")
    loaded = state_of().host.get(plugin)
    manifest = getattr(loaded, "manifest", None)
    entries = manifest.data.get("permissions", []) if manifest else []
    return any(entry["name"] == action and entry.get("sensitive") for entry in entries)


def _audit_view(db, attachment, size):
    record_audit(
        db,
        "core.attachment_viewed",
        actor=current_actor.username,
        target=f"attachment:{attachment.id}",
        org_path=attachment.org_path,
        detail={
            "plugin": attachment.plugin,
            "record": f"{attachment.record_type}:{attachment.record_id}",
            "size": size,
        },
        ip=request.remote_addr or "",
    )
    db.commit()


def _file_answer(attachment, key):
    store = store_of()
    if not store.exists(key):
        log.error("attachment %s: bytes %s missing from the store", attachment.id, key)
        raise not_found()
    is_image = attachment.media_type.startswith("image/")
    name = attachment.filename or f"attachment-{attachment.id}"
    response = Response(store.get(key), content_type=attachment.media_type)
    response.headers.update(
        {
            "Content-Disposition": f"{'inline' if is_image else 'attachment'}; filename*=UTF-8''{quote(name, safe='')}",
            "Cache-Control": "private, no-cache",  # kept by the browser, re-checked on every use
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        }
    )
    response.set_etag(key)
    return response.make_conditional(request)
