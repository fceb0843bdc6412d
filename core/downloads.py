"""File answers (templates, reports, exports): a Chinese file name for browsers that read
RFC 6266's ``filename*``, an ASCII one for those that do not, and never cached — such
files carry personal data or describe it. A low layer: no other core module is needed."""

import re
from urllib.parse import quote

from flask import Response

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "json": "application/json",
    "txt": "text/plain; charset=utf-8",
}
_NOT_ASCII_NAME = re.compile(r"[^A-Za-z0-9._-]")


def file_response(content, extension, chinese_stem, ascii_stem, headers=None):
    """A download of ``content`` (bytes) named ``<chinese_stem>.<extension>``, with
    ``<ascii_stem>.<extension>`` for old clients; the type follows the extension
    (``CONTENT_TYPES``, otherwise ``application/octet-stream``). ``headers`` are added."""
    ascii_name = _NOT_ASCII_NAME.sub("_", f"{ascii_stem}.{extension}")  # nothing that could end the quoted value
    disposition = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(f'{chinese_stem}.{extension}', safe='')}"
    )
    content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
    return Response(
        content,
        content_type=content_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store", **(headers or {})},
    )
