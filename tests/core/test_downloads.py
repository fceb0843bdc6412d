"""File downloads (``core.downloads.file_response``): the browser saves the file under its
Chinese name (an ASCII one for old clients), and nothing caches it."""

from core.downloads import CONTENT_TYPES, file_response
from core.spreadsheets.write import CSV_TYPE, XLSX_TYPE


def test_a_download_carries_its_chinese_name_and_an_ascii_fallback():
    response = file_response(b"x", "xlsx", "居民名单-2024-01-31", "residents-2024-01-31")

    assert response.headers["Content-Disposition"] == (
        'attachment; filename="residents-2024-01-31.xlsx"; '
        "filename*=UTF-8''%E5%B1%85%E6%B0%91%E5%90%8D%E5%8D%95-2024-01-31.xlsx"
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.content_type == XLSX_TYPE and response.get_data() == b"x"


def test_the_ascii_name_cannot_break_out_of_its_quotes():
    response = file_response(b"", "csv", "报告/第1批", 'report"; x=1')

    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="report___x_1.csv"; ')
    assert disposition.endswith("%2F%E7%AC%AC1%E6%89%B9.csv")  # a slash is encoded, not a folder


def test_extra_headers_are_added_and_unknown_extensions_download_as_bytes():
    response = file_response(b"", "dat", "数据", "data", headers={"X-Export-Rows": "3"})

    assert response.headers["X-Export-Rows"] == "3"
    assert response.content_type == "application/octet-stream"


def test_spreadsheet_downloads_have_the_types_the_writers_name():
    assert (CONTENT_TYPES["csv"], CONTENT_TYPES["xlsx"]) == (CSV_TYPE, XLSX_TYPE)
