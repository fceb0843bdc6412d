"""The header row of an .xlsx without loading the workbook: a preview, and the check an
upload gets before it is queued, must answer in the request while the rows wait for the
background. openpyxl's ``load_workbook`` reads every shared string first — 8.9 s for a
150,000-row sheet on a quiet machine — to show nine column names.

So: stream the first sheet's XML to its first row with any value, then stream the shared
strings only as far as the highest index that row uses (rich-text runs joined). Anything
else — a boolean, date or error cell, a first row of empty strings, a part or namespace we do
not know — answers None, and the caller reads the workbook the slow way."""

import io
import re
import zipfile
from xml.etree.ElementTree import iterparse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_COLUMN = re.compile(r"([A-Z]{1,3})[0-9]+")


def xlsx_header(content, max_columns):
    """``(line, [cell values])`` of the first sheet's first row with a value, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            return _header(package, max_columns)
    except (KeyError, ValueError, AttributeError, TypeError, StopIteration, SyntaxError, zipfile.BadZipFile):
        return None  # SyntaxError: ElementTree's ParseError; the slow path explains the file


def _header(package, max_columns):
    found = _first_row(package, _first_sheet(package))
    if found is None:
        return None
    line, cells = found
    if max(cells) >= max_columns:
        return None
    wanted = {value for kind, value in cells.values() if kind == "s"}
    strings = _shared_strings(package, max(wanted)) if wanted else {}
    values = [None] * (max(cells) + 1)
    for column, (kind, value) in cells.items():
        values[column] = strings[value] if kind == "s" else value
    if not any(str(value or "").strip() for value in values):
        return None  # a row of empty strings: the full read looks further down
    return line, values


def _first_sheet(package):
    """The part of the workbook's first sheet (in the workbook's order, as openpyxl reads it)."""
    with package.open("xl/workbook.xml") as workbook:
        first = next(e for _event, e in iterparse(workbook) if e.tag == MAIN + "sheet").get(RELATIONSHIP)
    with package.open("xl/_rels/workbook.xml.rels") as rels:
        target = next(e for _event, e in iterparse(rels) if e.tag == PACKAGE_RELS and e.get("Id") == first).get(
            "Target"
        )
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def _first_row(package, sheet_name):
    with package.open(sheet_name) as sheet:
        for _event, element in iterparse(sheet, events=("end",)):
            if element.tag != MAIN + "row":
                continue
            cells = dict(_cell(cell) for cell in element.iter(MAIN + "c"))
            cells = {column: value for column, value in cells.items() if value[1] is not None}
            if cells:
                return int(element.get("r")), cells
            element.clear()
    return None


def _cell(element):
    column = _column_index(_COLUMN.fullmatch(element.get("r")).group(1))
    kind = element.get("t", "n")
    if kind not in ("s", "inlineStr", "n", "str"):
        raise ValueError(kind)  # booleans, dates, errors: the full read says what they show as
    if kind == "s":
        return column, ("s", int(element.findtext(MAIN + "v")))
    if kind == "inlineStr":
        inline = element.find(MAIN + "is")  # absent for an empty cell
        return column, ("text", None if inline is None else "".join(inline.itertext()))
    return column, ("text", element.findtext(MAIN + "v"))


def _column_index(letters):
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _shared_strings(package, last):
    """Shared strings 0 … ``last`` (the text of each ``<si>``, rich runs joined)."""
    found = {}
    with package.open("xl/sharedStrings.xml") as strings:
        for _event, element in iterparse(strings, events=("end",)):
            if element.tag == MAIN + "si":
                found[len(found)] = "".join(element.itertext())
                element.clear()
                if len(found) > last:
                    break
    return found
