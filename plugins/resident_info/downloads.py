"""File answers (templates, reports, exports): a Chinese file name for browsers that read
RFC 6266's ``filename*``, an ASCII one for those that do not, and never cached — these
files carry personal data or describe it."""
from urllib.parse import quote

from flask import Response

from plugins.resident_info.spreadsheet import CSV_TYPE, XLSX_TYPE

TYPES = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}


def file_response(content, extension, chinese_stem, ascii_stem, headers=None):
    disposition = (f"attachment; filename=\"{ascii_stem}.{extension}\"; "
                   f"filename*=UTF-8''{quote(f'{chinese_stem}.{extension}')}")
    return Response(content, content_type=TYPES[extension],
                    headers={"Content-Disposition": disposition, "Cache-Control": "no-store", **(headers or {})})
