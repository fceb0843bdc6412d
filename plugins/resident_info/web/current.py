"""The signed-in actor's ``Access`` for this request — the register's (pages, API) and the
importer's: ``current_actor`` and the client's address turned into the plain values the
services take."""

from flask import g, request

from core.public import ApiError, current_actor
from plugins.resident_info.importing.services import importer_access
from plugins.resident_info.permissions import READ_SENSITIVE
from plugins.resident_info.register.access import access_for


def current_access():
    return access_for(current_actor._get_current_object(), ip=request.remote_addr or "")


def current_import_access():
    """Rows are written where the actor holds IMPORT (not WRITE)."""
    return importer_access(current_actor._get_current_object(), ip=request.remote_addr or "")


def refuse_id_search_without_sensitive(filters, access):
    """Finding by an ID's last four would tell, by trying, what the mask hides (403, audited
    by the shared handler). Holders of READ_SENSITIVE in part of their reach find matches only
    there (``queries.filtered``)."""
    if filters.id_last4 and not access.sensitive:
        g.denied_permission = READ_SENSITIVE
        raise ApiError(403, "按身份证号后四位查找需要“查看完整身份证号和电话”权限。", pointer="/id_last4")
