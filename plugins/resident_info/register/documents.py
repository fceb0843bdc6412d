"""证明材料: photos and PDFs supporting a resident's record (残疾证, 低保证明 …), through the
core's attachment service. They carry personal data, so a reader needs ``READ_SENSITIVE`` at
the resident's node to open them (each view audited by the core); other readers of the
record see only how many there are. Adding one needs ``WRITE`` there. No Flask request."""

from core.public import attach_file, attachment_count, attachments_of, isoformat, move_attachments, not_found
from plugins.resident_info.permissions import PLUGIN, READ_SENSITIVE

RECORD_TYPE = "resident"
NOT_FOUND = "没有找到这位居民，或不在您的管理范围内。"


def add_document(db, access, resident, upload):
    """Attach ``upload`` (a werkzeug ``FileStorage``) to ``resident`` (found in the reader's
    scope by the caller); 404 outside the writer's reach, the core's Chinese refusal (pointer
    ``/file``) for a file it does not take."""
    if not access.write.covers(resident.org_path) or resident.merged_into_id:
        raise not_found(NOT_FOUND)
    return attach_file(
        db,
        plugin=PLUGIN,
        record_type=RECORD_TYPE,
        record_id=resident.id,
        org_path=resident.org_path,
        upload=upload,
        actor=access.username,
        permission=READ_SENSITIVE,
    )


def documents_of(db, access, resident):
    """``(count, attachments)``: every reader gets the count, only holders of
    ``READ_SENSITIVE`` at the resident's node the attachments themselves."""
    count = attachment_count(db, PLUGIN, RECORD_TYPE, resident.id, access.read)
    if not access.sensitive.covers(resident.org_path):
        return count, []
    return count, attachments_of(db, PLUGIN, RECORD_TYPE, resident.id, access.sensitive)


def follow(db, resident, into=None):
    """The resident moved to another node (or was merged ``into`` another record): the
    documents go along, so they are guarded where the record now is."""
    target = into or resident
    move_attachments(
        db,
        plugin=PLUGIN,
        record_type=RECORD_TYPE,
        record_id=resident.id,
        org_path=target.org_path,
        to_record_id=into.id if into else None,
    )


def document_json(attachment, url_for_size):
    """What the API and the page show of one document; ``url_for_size(size)`` gives its address."""
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "media_type": attachment.media_type,
        "byte_size": attachment.byte_size,
        "width": attachment.width,
        "height": attachment.height,
        "uploaded_by": attachment.uploaded_by,
        "uploaded_at": isoformat(attachment.uploaded_at),
        "url": url_for_size("full"),
        "phone_url": url_for_size("phone") if attachment.media_type.startswith("image/") else None,
    }
