"""Attaching files to plugin records and finding them again. Everything runs in the
caller's transaction: the row and its audit entry commit (or roll back) with the business
change. The bytes are written before the commit — a rolled-back upload leaves unreferenced
bytes in the store, never a row without its file."""

import posixpath
import unicodedata

from flask import current_app
from sqlmodel import func, select, update

from core.api.errors import ServiceError
from core.attachments.images import Limits, prepare_upload, refused
from core.attachments.models import Attachment
from core.attachments.storage import store_of
from core.audit.chain import record_audit
from core.state import state_of
from core.timeutil import utcnow
from core.tree.paths import is_valid_path
from core.tree.scope import scoped

FILENAME_MAX = 100
HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def attach_file(session, *, plugin, record_type, record_id, org_path, upload, actor, permission, documents=True):
    """Check, clean and store ``upload`` (a werkzeug ``FileStorage``: ``request.files["file"]``)
    and attach it to ``plugin``'s ``record_type`` #``record_id`` at ``org_path``. Viewers
    need ``permission`` (one of ``plugin``'s own) at that node. ``documents=False`` takes
    photos only. The caller has checked its own write permission, as for any change."""
    _check_owner(plugin, permission)
    if not is_valid_path(org_path):
        raise ServiceError(422, "附件所属的组织路径格式不正确。", "/org_path")
    limits = Limits.from_config(current_app.config, allow_pdf=documents)
    prepared = prepare_upload(_read(upload, limits.max_bytes), limits)
    store = store_of()
    attachment = Attachment(
        plugin=plugin,
        record_type=record_type,
        record_id=str(record_id),
        org_path=org_path,
        permission=permission,
        content_hash=store.put(prepared.content),
        phone_hash=store.put(prepared.phone) if prepared.phone is not None else None,
        media_type=prepared.media_type,
        byte_size=len(prepared.content),
        width=prepared.width,
        height=prepared.height,
        filename=clean_filename(getattr(upload, "filename", "") or ""),
        uploaded_by=_name_of(actor),
    )
    session.add(attachment)
    session.flush()
    _audit(session, "core.attachment_added", attachment, actor, {"bytes": attachment.byte_size})
    return attachment


def _check_owner(plugin, permission):
    """A plugin guards its attachments with its own permission, one the app knows."""
    if not permission.startswith(f"{plugin}.") or permission not in state_of().catalogue:
        raise ValueError(f"附件的查看权限必须是插件 {plugin} 已声明的权限：{permission}")


def _read(upload, max_bytes):
    """At most one byte over the limit: enough to refuse, never the whole of a huge upload."""
    if upload is None or not getattr(upload, "filename", ""):
        raise refused("请选择要上传的文件。")
    return upload.read(max_bytes + 1)


def clean_filename(raw):
    """The last part of the name as the uploader's device sent it, without folders, hidden or
    control characters, at most ``FILENAME_MAX`` characters (the extension kept)."""
    name = posixpath.basename(unicodedata.normalize("NFC", raw).replace("\\", "/"))
    name = "".join(char for char in name if unicodedata.category(char) not in HIDDEN_CATEGORIES).strip(" .")
    if len(name) > FILENAME_MAX:
        stem, dot, extension = name.rpartition(".")
        keep = extension if dot and len(extension) <= 10 else ""
        name = name[: FILENAME_MAX - len(keep) - 1] + "." + keep if keep else name[:FILENAME_MAX]
    return name


def attachments_of(session, plugin, record_type, record_id, scope):
    """The record's attachments inside ``scope``, oldest first (removed ones left out)."""
    statement = _of_record(select(Attachment), plugin, record_type, record_id)
    return session.exec(scoped(statement.order_by(Attachment.id), scope, Attachment.org_path)).all()


def attachment_count(session, plugin, record_type, record_id, scope):
    """How many attachments the record has inside ``scope`` — for readers who may not open them."""
    statement = _of_record(select(func.count()).select_from(Attachment), plugin, record_type, record_id)
    return session.exec(scoped(statement, scope, Attachment.org_path)).one()


def _of_record(statement, plugin, record_type, record_id):
    return statement.where(
        Attachment.plugin == plugin,
        Attachment.record_type == record_type,
        Attachment.record_id == str(record_id),
        Attachment.removed_at.is_(None),
    )


def move_attachments(session, *, plugin, record_type, record_id, org_path, to_record_id=None):
    """The record moved to ``org_path`` (or was merged into ``to_record_id``): its attachments
    follow it, in the caller's transaction, so they are guarded where the record now lives.
    Returns how many moved. (Moves of org nodes are followed by the core itself.)"""
    if not is_valid_path(org_path):
        raise ServiceError(422, "附件所属的组织路径格式不正确。", "/org_path")
    values = {"org_path": org_path}
    if to_record_id is not None:
        values["record_id"] = str(to_record_id)
    statement = update(Attachment).where(
        Attachment.plugin == plugin, Attachment.record_type == record_type, Attachment.record_id == str(record_id)
    )
    return session.exec(statement.values(values)).rowcount


def remove_attachment(session, attachment, actor):
    """Mark the attachment removed (no longer listed or served). The bytes stay: other rows may
    name the same hash, and a purge of unreferenced bytes is a separate, later step."""
    attachment.removed_at, attachment.removed_by = utcnow(), _name_of(actor)
    session.add(attachment)
    session.flush()
    _audit(session, "core.attachment_removed", attachment, actor, {})


def _audit(session, action, attachment, actor, extra):
    record_audit(
        session,
        action,
        actor=_name_of(actor),
        target=f"attachment:{attachment.id}",
        org_path=attachment.org_path,
        detail={  # never the file name: people name files after the person in them
            "plugin": attachment.plugin,
            "record": f"{attachment.record_type}:{attachment.record_id}",
            "media_type": attachment.media_type,
            **extra,
        },
    )


def _name_of(actor):
    return actor if isinstance(actor, str) else actor.username
