"""Reading the spreadsheets people upload: CSV as Excel and WPS save it — UTF-8 with or
without a byte-order mark, or GB18030 (Excel's "CSV" on Chinese Windows), comma or tab
separated — and .xlsx (the first sheet, read-only, values not formulas).

Out comes the header row and the data rows with their line numbers as the spreadsheet
shows them (the header is usually line 1), so a report can say "第 37 行" and the user
finds that row. Rows with no value at all are skipped. What the columns mean is the
caller's business: this module knows nothing about residents or org nodes.

Every refusal is an ``ApiError`` with a Chinese reason and the pointer ``/file``; none
repeats a cell's value (a cell may hold an ID number).
"""

import csv
import io
import zipfile
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime

from core.api.errors import ApiError
from core.spreadsheets.bounds import MAX_CELLS, MAX_COLUMNS, TOO_LARGE, check_xlsx_bounds
from core.spreadsheets.header import xlsx_header

MAX_BYTES = 16 * 1024 * 1024
MAX_ROWS = 200_000
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc) format
ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 decodes GBK and GB2312 files too
BROKEN_XLSX = "文件不是有效的 .xlsx 表格，可能已损坏。"
# What openpyxl raises for a damaged file: a bad zip, a missing part, bad XML (ParseError
# is a SyntaxError), values it cannot convert.
_BROKEN = (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, TypeError)


@dataclass(frozen=True)
class Sheet:
    """A spreadsheet as read: ``headers`` are the header row's texts in file order ("" for
    an empty header cell; trailing empty ones dropped) and ``header_line`` its line;
    ``rows`` are ``[(line, [cell, …])]``. CSV cells are text; .xlsx cells are what the
    sheet holds (text, int, float, datetime, bool or None). Headers and rows are empty
    (and ``header_line`` 0) when the file has no non-empty row."""

    headers: list
    rows: list
    header_line: int = 0


def read_spreadsheet(filename, content, *, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, headers_only=False):
    """``content`` (the file's bytes) as a ``Sheet``; with ``headers_only`` the rows are
    not read (a preview of the columns). ``filename`` only decides what to say about a
    broken .xlsx; the format is recognised from the bytes.

    Refused (``ApiError`` with pointer ``/file``): an empty file, one over ``max_bytes``
    (413), over ``max_rows`` data rows, an old .xls, a broken .xlsx, a text file in an
    encoding other than UTF-8 and GB18030, a binary file, a malformed CSV (422)."""
    if not content:
        raise _refused("文件是空的。")
    if len(content) > max_bytes:
        raise _refused(f"文件过大：一次最多 {_megabytes(max_bytes)} MB，请拆分后分批导入。", status=413)
    if content.startswith(OLE_MAGIC):
        raise _refused("这是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中“另存为 .xlsx”后再导入。")
    if content.startswith(XLSX_MAGIC):
        check_xlsx_bounds(content, max_rows)
        header = xlsx_header(content, MAX_COLUMNS) if headers_only else None
        lines = (row for row in [header]) if header else _xlsx_lines(content)
    elif (filename or "").lower().endswith((".xlsx", ".xlsm")):
        raise _refused(BROKEN_XLSX)
    else:
        lines = _csv_lines(content)
    with closing(lines):  # a preview stops after the header: close the workbook at once
        return _sheet(lines, max_rows, headers_only)


def cell_text(cell):
    """A cell as trimmed text: "" for an empty cell, ``3`` for the 3.0 a spreadsheet may
    hold for a typed "3", ISO dates, 是/否 for booleans."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def _refused(detail, status=422):
    return ApiError(status, detail, pointer="/file")


def _megabytes(size):
    return f"{size / (1024 * 1024):g}"


def _csv_lines(content):
    text = _decode(content)
    if "\x00" in text:
        raise _refused("无法识别的文件格式：请上传 .xlsx 或 .csv 文件。")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error:
        raise _refused(
            f"CSV 文件第 {reader.line_num} 行格式有误（如引号不成对或单元格过长），"
            "请在 Excel 或 WPS 中重新保存后再导入。"
        ) from None


def _decode(content):
    for encoding in ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _refused("无法识别文件的字符编码：请保存为 UTF-8 或 GBK 编码的 CSV，或直接上传 .xlsx。")


def _xlsx_lines(content):
    """The first sheet's rows, numbered from 1 as Excel numbers them; the workbook is
    closed when the generator is."""
    from openpyxl import load_workbook  # ~0.2 s to import: only when a spreadsheet is read

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except _BROKEN:
        raise _refused(BROKEN_XLSX) from None
    try:
        if not workbook.worksheets:
            raise _refused("这个 .xlsx 文件里没有工作表。")
        sheet = workbook.worksheets[0]
        # The declared size was checked (bounds.py) but may understate: read what is there,
        # within a budget of columns per row and cells in all.
        sheet.reset_dimensions()
        cells, width = 0, 0
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells += len(values)
            if len(values) > MAX_COLUMNS:
                raise _refused(f"表格过宽：一行最多 {MAX_COLUMNS} 列，请删去多余的列后再导入。")
            if cells > MAX_CELLS:
                raise _refused(TOO_LARGE)
            width = max(width, len(values))  # a short row padded to the widest so far
            yield line, list(values) + [None] * (width - len(values))
    except _BROKEN:  # read-only mode parses the sheet while it is read
        raise _refused(BROKEN_XLSX) from None
    finally:
        workbook.close()


def _sheet(lines, max_rows, headers_only):
    """The first row with any text is the header; rows with no value at all are skipped."""
    headers, rows, header_line = None, [], 0
    for line, cells in lines:
        if not any(_filled(cell) for cell in cells):
            continue
        if headers is None:
            headers, header_line = [_header_text(cell) for cell in cells], line
            if headers_only:
                break
            continue
        if len(rows) >= max_rows:
            raise _refused(f"一次最多导入 {max_rows} 行，请把文件拆分后分批导入。")
        rows.append((line, cells))
    headers = headers or []
    while headers and not headers[-1]:
        headers.pop()
    return Sheet(headers=headers, rows=rows, header_line=header_line)


def _filled(cell):
    return cell is not None and str(cell).strip() != ""


def _header_text(cell):
    return "" if cell is None else str(cell).strip()
