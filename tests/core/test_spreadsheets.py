"""Spreadsheets people upload and download (``core.spreadsheets``): whatever Excel or WPS
saved is read the same way, a file that cannot be read is refused with a Chinese reason
that repeats no cell, and no cell written for download runs as a formula."""

import io
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from core.api.errors import ApiError
from core.spreadsheets.read import cell_text, read_spreadsheet
from core.spreadsheets.write import CSV_TYPE, XLSX_TYPE, csv_bytes, safe_cell, xlsx_bytes

ID_NUMBER = "110105199003071234"
TEXT = "姓名,身份证号,楼栋\r\n王秀英,110105199003071234,3号楼\r\n\r\n李建国,,5号楼\r\n"
EXPECTED_ROWS = [(2, ["王秀英", ID_NUMBER, "3号楼"]), (4, ["李建国", "", "5号楼"])]


def xlsx(*sheets):
    """An .xlsx file with one sheet per list of rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, rows in enumerate(sheets):
        sheet = workbook.create_sheet(f"表{index + 1}")
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refusal(content, filename="名单.csv", **limits):
    with pytest.raises(ApiError) as raised:
        read_spreadsheet(filename, content, **limits)
    assert raised.value.pointer == "/file"
    return raised.value


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize(
    "encoded",
    [TEXT.encode("utf-8"), ("\ufeff" + TEXT).encode("utf-8"), TEXT.encode("gb18030")],
    ids=["utf-8", "utf-8 with BOM", "gb18030"],
)
def test_a_csv_reads_the_same_in_every_encoding_excel_saves(encoded):
    sheet = read_spreadsheet("名单.csv", encoded)

    assert sheet.headers == ["姓名", "身份证号", "楼栋"] and sheet.header_line == 1
    assert sheet.rows == EXPECTED_ROWS  # line numbers as the spreadsheet shows them; the blank row skipped


def test_a_tab_separated_file_is_read_by_its_tabs():
    sheet = read_spreadsheet("名单.txt", TEXT.replace(",", "\t").encode("gb18030"))

    assert sheet.headers == ["姓名", "身份证号", "楼栋"] and sheet.rows == EXPECTED_ROWS


def test_an_xlsx_is_read_from_its_first_sheet_with_typed_cells():
    content = xlsx(
        [[], ["姓名", "出生日期", "楼栋", None], ["王秀英", datetime(1990, 3, 7), 3, None]], [["别的表", "不读"]]
    )

    sheet = read_spreadsheet("名单.xlsx", content)

    assert sheet.headers == ["姓名", "出生日期", "楼栋"] and sheet.header_line == 2  # trailing empty header dropped
    assert sheet.rows == [(3, ["王秀英", datetime(1990, 3, 7), 3])]  # cells as stored (the sheet is re-measured)


def test_headers_only_reads_no_rows():
    sheet = read_spreadsheet("名单.csv", TEXT.encode("utf-8"), headers_only=True, max_rows=1)

    assert sheet.headers == ["姓名", "身份证号", "楼栋"] and sheet.rows == []


def test_a_file_of_blank_lines_has_no_header_and_no_rows():
    sheet = read_spreadsheet("空.csv", b",,\r\n\r\n")

    assert (sheet.headers, sheet.rows, sheet.header_line) == ([], [], 0)


def test_more_rows_than_allowed_are_refused_in_chinese():
    problem = refusal(TEXT.encode("utf-8"), max_rows=1)

    assert problem.status == 422 and problem.detail == "一次最多导入 1 行，请把文件拆分后分批导入。"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    problem = refusal(TEXT.encode("utf-8"), max_bytes=10)

    assert problem.status == 413 and problem.detail.startswith("文件过大")


@pytest.mark.parametrize(
    "content, filename, reason",
    [
        (b"", "a.csv", "文件是空的"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "a.xls", "另存为 .xlsx"),
        (b"PK\x03\x04" + ID_NUMBER.encode(), "a.xlsx", "不是有效的 .xlsx"),
        (b"not a zip at all", "a.xlsx", "不是有效的 .xlsx"),
        (f"姓名\n{ID_NUMBER}\n".encode("utf-16"), "a.csv", "无法识别文件的字符编码"),
        (b"\x00\x01" + ID_NUMBER.encode(), "a.bin", "无法识别的文件格式"),
        (f'姓名\n"{ID_NUMBER}{"x" * 200_000}"\n'.encode(), "a.csv", "第 2 行格式有误"),
    ],
    ids=["empty", "old xls", "broken xlsx", "xlsx name, other content", "utf-16", "binary", "giant cell"],
)
def test_an_unreadable_file_is_refused_with_a_reason_that_repeats_no_cell(content, filename, reason):
    problem = refusal(content, filename)

    assert reason in problem.detail and ID_NUMBER not in problem.detail


def test_an_xlsx_whose_sheet_is_damaged_is_refused_as_broken():
    import zipfile

    original = zipfile.ZipFile(io.BytesIO(xlsx([["姓名", "身份证号"], ["王秀英", ID_NUMBER]])))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as copy:
        for name in original.namelist():
            data = original.read(name)
            copy.writestr(name, data[: len(data) // 2] if name.startswith("xl/worksheets/") else data)

    problem = refusal(damaged.getvalue(), "名单.xlsx")

    assert problem.detail == "文件不是有效的 .xlsx 表格，可能已损坏。"


def test_cell_text_writes_what_a_person_typed():
    assert [cell_text(cell) for cell in (None, " 3号楼 ", 3.0, 2.5, 12, True, datetime(2024, 1, 31))] == [
        "",
        "3号楼",
        "3",
        "2.5",
        "12",
        "是",
        "2024-01-31",
    ]


# ---------------------------------------------------------------- writing


@pytest.mark.parametrize("text", ["=1+1", "+86138", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_would_start_a_formula_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


def test_other_cells_are_left_as_they_are():
    assert [safe_cell(value) for value in (None, 3, 2.5, "王秀英", "a=b")] == ["", 3, 2.5, "王秀英", "a=b"]


def test_a_csv_for_download_has_a_bom_and_defused_formulas():
    content = csv_bytes(["姓名", "备注"], iter([["王秀英", '=HYPERLINK("http://x")'], ["李建国", None]]))

    assert content.startswith("\ufeff".encode("utf-8"))
    assert content.decode("utf-8-sig") == '姓名,备注\r\n王秀英,"\'=HYPERLINK(""http://x"")"\r\n李建国,\r\n'
    assert read_spreadsheet("x.csv", content).rows[0] == (2, ["王秀英", '\'=HYPERLINK("http://x")'])


def test_an_xlsx_for_download_holds_defused_formulas_as_text_and_keeps_id_columns_text():
    content = xlsx_bytes(
        ["姓名", "身份证号", "人数"], [["=cmd|' /C calc'!A0", ID_NUMBER, 3]], title="居民名单", text_columns=[1]
    )

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    formula_cell, id_cell, number_cell = sheet[2]
    assert sheet.title == "居民名单" and sheet["A1"].font.bold
    assert (formula_cell.data_type, formula_cell.value) == ("s", "'=cmd|' /C calc'!A0")
    assert (id_cell.value, id_cell.number_format) == (ID_NUMBER, "@")
    assert number_cell.value == 3


def test_the_content_types_name_the_formats():
    assert CSV_TYPE == "text/csv; charset=utf-8"
    assert XLSX_TYPE == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
