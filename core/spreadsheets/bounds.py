"""Bounds on the work an uploaded .xlsx may cause, checked before openpyxl parses anything.

An .xlsx is a zip of XML: 2 MB can unzip to a gigabyte of shared strings, or declare a
sheet of 150,000 × 300 cells that takes minutes to walk. openpyxl reads the shared strings
whole when the workbook opens, so every bound is checked on the zip's directory and the
sheet's declared dimension first — reading a few kilobytes, never the parts themselves.
The zip directory's sizes cannot understate what is read: Python's zipfile stops at the
declared size and the CRC check then fails, which is refused as a broken file.
"""

import io
import re
import zipfile

from core.api.errors import ApiError

MAX_ENTRIES = 1_000  # a workbook from Excel or WPS has a few dozen parts
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024  # ~1.3 million cells of real data unzip to about this
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
# openpyxl walks a whole sheet that declares no <dimension> just to open the workbook (about
# 80 ms a megabyte), so the sheet part itself is bounded too: 200,000 rows × 20 short
# columns come to about 120 MB.
MAX_SHEET_BYTES = 160 * 1024 * 1024
MAX_CELLS = 5_000_000  # 200,000 rows × 25 columns
MAX_COLUMNS = 200
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
TOO_LARGE = "这个 .xlsx 文件解压后过大或结构异常（可能是“压缩炸弹”），已拒绝。请只保留需要导入的表格后另存为 .xlsx。"


def check_xlsx_bounds(content, max_rows):
    """Raise ApiError 422 (pointer ``/file``) when the package or its first sheet is larger
    than any real import: too many parts, too many bytes once unzipped, too many shared
    strings, or a declared sheet over ``max_rows`` rows, MAX_COLUMNS columns or MAX_CELLS."""
    try:
        package = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return  # openpyxl gives the broken-file answer
    with package:
        entries = package.infolist()
        if len(entries) > MAX_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES:
            raise _refused(TOO_LARGE)
        strings = next((entry for entry in entries if entry.filename.lower() == "xl/sharedstrings.xml"), None)
        if strings is not None and strings.file_size > MAX_SHARED_STRINGS_BYTES:
            raise _refused(TOO_LARGE)
        _check_first_sheet(package, entries, max_rows)


def _check_first_sheet(package, entries, max_rows):
    sheets = sorted(entry.filename for entry in entries if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", entry.filename))
    if not sheets:
        return
    first = package.getinfo(sheets[0])
    if first.file_size > MAX_SHEET_BYTES:
        raise _refused(TOO_LARGE)
    with package.open(sheets[0]) as sheet:
        head = sheet.read(4096)  # <dimension> comes before the rows
    found = _DIMENSION.search(head)
    if found is None:
        return  # no declared size: the row limit still applies while reading
    rows = int(found.group(4) or found.group(2))
    columns = _column_number(found.group(3) or found.group(1))
    if rows > max_rows + 1 or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise _refused(
            f"表格过大：第一个工作表有 {rows} 行 × {columns} 列，一次最多 {max_rows} 行、"
            f"{MAX_COLUMNS} 列。请删去多余的行列（或拆分文件）后再导入。"
        )


def _column_number(letters):
    number = 0
    for letter in letters.decode():
        number = number * 26 + ord(letter) - 64
    return number


def _refused(detail):
    return ApiError(422, detail, pointer="/file")
