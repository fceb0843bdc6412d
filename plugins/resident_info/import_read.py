"""Reading an import file: CSV (UTF-8, with or without BOM, or GB18030 as Excel saves it on
Chinese Windows) or .xlsx (the first sheet). Out come the header row and the data rows
with their line numbers as a spreadsheet shows them (the header is line 1), so a report can
say "第 37 行" and the user finds that row.
"""
import csv
import io
import zipfile
from dataclasses import dataclass

from core.public import ApiError

MAX_ROWS = 200_000
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc) format


@dataclass
class Table:
    headers: list  # header texts, in file order ("" for an empty header cell)
    rows: list  # [(line number, [cell, …])]


def read_table(filename, content, headers_only=False):
    """The file as a ``Table`` (only its header row with ``headers_only``); 422 with
    pointer ``/file`` when it cannot be read."""
    if not content:
        raise _bad("文件是空的。")
    if content.startswith(OLE_MAGIC):
        raise _bad("这是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中“另存为 .xlsx”后再导入。")
    if content.startswith(XLSX_MAGIC):
        lines = _xlsx_lines(content)
    elif (filename or "").lower().endswith((".xlsx", ".xlsm")):
        raise _bad("文件不是有效的 .xlsx 表格，可能已损坏。")
    else:
        lines = _csv_lines(content)
    return _table(lines, headers_only)


def _bad(detail):
    return ApiError(422, detail, pointer="/file")


def _csv_lines(content):
    text = _decode(content)
    if "\x00" in text:
        raise _bad("无法识别的文件格式：请上传 .xlsx 或 .csv 文件。")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)


def _decode(content):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _bad("无法识别文件的字符编码：请保存为 UTF-8 或 GBK 编码的 CSV，或直接上传 .xlsx。")


def _xlsx_lines(content):
    from openpyxl import load_workbook  # only imports need it; keeps app start-up light

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _bad("文件不是有效的 .xlsx 表格，可能已损坏。") from None
    sheet = workbook.worksheets[0]
    return ((line, list(values)) for line, values in enumerate(sheet.iter_rows(values_only=True), start=1))


def _table(lines, headers_only):
    """The first row with any text is the header; rows with no value at all are skipped."""
    headers, rows = None, []
    for line, cells in lines:
        if not any(_filled(cell) for cell in cells):
            continue
        if headers is None:
            headers = [_header_text(cell) for cell in cells]
            if headers_only:
                break
            continue
        if len(rows) >= MAX_ROWS:
            raise _bad(f"一次最多导入 {MAX_ROWS} 行，请把文件拆分后分批导入。")
        rows.append((line, cells))
    if headers is None:
        raise _bad("文件里没有表头行：第一行应为“姓名”“身份证号”等列名（可下载模板参照）。")
    while headers and not headers[-1]:
        headers.pop()
    return Table(headers=headers, rows=rows)


def _filled(cell):
    return cell is not None and str(cell).strip() != ""


def _header_text(cell):
    return "" if cell is None else str(cell).strip()
