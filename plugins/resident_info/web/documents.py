"""证明材料 on a resident: upload from the detail page (a phone's camera or a file; works
without JavaScript) and the JSON API, ``/api/v1/resident_info/residents/<id>/attachments``.
The files themselves are served by the core (``attachment_url``), which checks
``READ_SENSITIVE`` at the resident's node and audits each view. Routes: ``add_routes``."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from core.public import ApiError, ServiceError, api_route, attachment_url, get_session, require
from plugins.resident_info.permissions import PLUGIN, READ, READ_SENSITIVE, WRITE
from plugins.resident_info.register import documents, services
from plugins.resident_info.web.current import current_access

UPLOAD_FORM = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "照片（JPEG、PNG、WebP，最大 10 MB）或 PDF；照片的 EXIF、定位等信息会被去除",
        }
    },
}
CREATED = {"201": {"description": "已上传（Location 指向该居民的证明材料列表）"}}


def shown(attachment):
    return documents.document_json(attachment, lambda size: attachment_url(attachment, size))


def listed(db, access, resident):
    """``{"count", "items", "can_view"}``: the count for every reader, items only with the full view."""
    count, found = documents.documents_of(db, access, resident)
    return {"count": count, "can_view": access.sensitive.covers(resident.org_path), "items": [shown(a) for a in found]}


@require(READ)
def list_documents(resident_id):
    access, db = current_access(), get_session()
    return listed(db, access, services.find_resident(db, access.read, resident_id))


@require(WRITE)
def upload_document(resident_id):
    access, db = current_access(), get_session()
    resident = services.find_resident(db, access.read, resident_id)
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "请以 multipart/form-data 上传文件（表单字段 file）。")
    attachment = documents.add_document(db, access, resident, request.files.get("file"))
    db.commit()
    location = url_for(".list_documents", resident_id=resident.id)
    return shown(attachment), 201, {"Location": location}


@require(WRITE)
def upload_from_page(resident_id):
    """The detail page's form: back to the page with what happened (the core's Chinese reason
    for a refused file)."""
    access, db = current_access(), get_session()
    resident = services.find_resident(db, access.read, resident_id)
    try:
        documents.add_document(db, access, resident, request.files.get("file"))
        db.commit()
    except ServiceError as problem:
        if problem.status == 404:
            raise
        db.rollback()
        flash(problem.detail, "error")
    else:
        flash(_("证明材料已上传。"))
    return redirect(url_for(".detail", resident_id=resident.id) + "#documents")


def add_routes(pages, api):
    pages.add_url_rule("/residents/<int:resident_id>/attachments", view_func=upload_from_page, methods=["POST"])
    api_route(
        api,
        "/residents/<int:resident_id>/attachments",
        summary=f"居民的证明材料：份数；查看文件需要 {READ_SENSITIVE}（每次查看记入审计）",
        tags=[PLUGIN],
    )(list_documents)
    api_route(
        api,
        "/residents/<int:resident_id>/attachments",
        methods=["POST"],
        summary="上传一份证明材料（照片或 PDF，multipart 字段 file）",
        form=UPLOAD_FORM,
        tags=[PLUGIN],
        responses=CREATED,
    )(upload_document)
