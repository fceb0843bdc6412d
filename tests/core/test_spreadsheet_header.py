"""The header of an .xlsx without loading the workbook (a preview and an upload's check answer
in the request): it must say exactly what the full read says, for every shape of file people
save; where it cannot tell, the full read answers."""

import io
from contextlib import closing

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from core.spreadsheets.bounds import MAX_COLUMNS
from core.spreadsheets.header import xlsx_header
from core.spreadsheets.read import _sheet, _xlsx_lines, read_spreadsheet


def workbook(rows, *, write_only=False, cover_sheet=False):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("名单") if write_only else book.active
    for row in rows:
        sheet.append(row)
    if cover_sheet:  # another sheet moved in front: the first in the workbook's order is read
        cover = book.create_sheet("说明")
        cover.append(["说明页的表头", "第二列"])
        book.move_sheet(cover, offset=-1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def full_read(content):
    with closing(_xlsx_lines(content)) as lines:
        sheet = _sheet(lines, 200_000, True)
    return sheet.header_line, sheet.headers


SHAPES = {
    "plain": [["姓名", "身份证号", "电话"], ["张三", "110105199003071234", "13812345678"]],
    "numbers and gaps": [["姓名", 2024, None, "备注"], ["李四", 1, 2, 3]],
    "blank rows first": [[None, None], [], ["", "姓名", "电话"], ["a", "b", "c"]],
    "one column": [["姓名"]],
}


@pytest.mark.parametrize("write_only", [False, True])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_quick_header_is_the_full_reads_header(shape, write_only):
    content = workbook(SHAPES[shape], write_only=write_only)
    assert xlsx_header(content, MAX_COLUMNS) is not None
    headers = read_spreadsheet("名单.xlsx", content, headers_only=True)
    assert (headers.header_line, headers.headers) == full_read(content)


def test_the_first_sheet_is_the_first_in_the_workbooks_order():
    content = workbook(SHAPES["plain"], cover_sheet=True)
    headers = read_spreadsheet("名单.xlsx", content, headers_only=True)
    assert headers.headers == full_read(content)[1] == ["说明页的表头", "第二列"]


def test_rich_text_headers_read_as_their_text():
    content = workbook([[CellRichText([TextBlock(InlineFont(b=True), "姓"), "名"]), "电话"]])
    assert read_spreadsheet("名单.xlsx", content, headers_only=True).headers == ["姓名", "电话"]


def test_a_part_it_cannot_read_leaves_the_answer_to_the_full_read():
    assert xlsx_header(b"PK\x03\x04 not a zip", MAX_COLUMNS) is None
