"""The signed-in actor's ``Access`` for this request — the register's (pages, API) and the
importer's: ``current_actor`` and the client's address turned into the plain values the
services take."""

from flask import request

from core.public import current_actor
from plugins.resident_info.importing.services import importer_access
from plugins.resident_info.register.access import access_for


def current_access():
    return access_for(current_actor._get_current_object(), ip=request.remote_addr or "")


def current_import_access():
    """Rows are written where the actor holds IMPORT (not WRITE)."""
    return importer_access(current_actor._get_current_object(), ip=request.remote_addr or "")
