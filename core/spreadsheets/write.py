"""Writing tables people open in Excel or WPS: templates, reports, exports. One rule for
every file that leaves the server: a text cell that a spreadsheet would run as a formula
(it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — OWASP "CSV
injection") is written with a leading apostrophe, so it shows as the text it is and never
computes anything."""

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """The value as a spreadsheet should receive it: text that would start a formula is
    defused with a leading apostrophe; None is an empty cell; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header, rows):
    """UTF-8 with a byte-order mark (without it Excel on Windows reads Chinese as GBK),
    CRLF line ends, every cell through ``safe_cell``. ``rows`` may be any iterable."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(value) for value in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(header, rows, title="Sheet1", text_columns=()):
    """One sheet, bold header, every cell through ``safe_cell``. ``text_columns`` (0-based)
    are formatted as text (``@``) so Excel keeps 18-digit ID numbers and leading zeros.
    Written in openpyxl's write-only mode: rows stream to the file instead of building the
    whole workbook in memory (20,000 rows: about 2 MiB instead of 110 MiB)."""
    return workbook_bytes([(title, header, rows, text_columns)])


def workbook_bytes(sheets):
    """Several sheets, each ``(title, header, rows, text_columns)`` written as ``xlsx_bytes``
    writes its one (a module's full export: a sheet per table)."""
    from openpyxl import Workbook  # ~0.2 s to import: only when a file is written, not in every process
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows, text_columns in sheets:
        sheet = workbook.create_sheet(title[:31])  # Excel's limit for a sheet name
        text = frozenset(text_columns)
        sheet.append([_cell(sheet, value, font=bold) for value in header])
        for row in rows:
            sheet.append(
                [
                    _cell(sheet, value, as_text=True) if index in text else safe_cell(value)
                    for index, value in enumerate(row)
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value, font=None, as_text=False):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=safe_cell(value))
    if font is not None:
        cell.font = font
    if as_text:
        cell.number_format = "@"
    return cell
