"""Upload bombs are refused before they cost memory or minutes (outside probe, issue 9 §4):
a 2 MB .xlsx that unzips to a gigabyte of shared strings, a sheet declaring 150,000 × 300
cells, a package of thousands of parts — each answered 422 with a Chinese reason, from the
zip directory and the sheet's declared size, without parsing the parts."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from core.api.errors import ApiError
from core.spreadsheets.read import read_spreadsheet

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"/>'
)


def real_workbook(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rebuilt(original, replace):
    """``original`` with some parts replaced (name → bytes or a writer function)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if entry.filename not in replace:
                target.writestr(entry, source.read(entry.filename))
        for name, part in replace.items():
            if callable(part):
                with target.open(name, "w") as stream:
                    part(stream)
            else:
                target.writestr(name, part)
    return out.getvalue()


def refusal(content):
    with pytest.raises(ApiError) as refused:
        read_spreadsheet("bomb.xlsx", content, headers_only=True)
    return refused.value


def test_a_small_file_that_unzips_to_huge_shared_strings_is_refused_unread():
    def huge_strings(stream):
        stream.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        chunk = b"<si><t>" + b"A" * 1000 + b"</t></si>"
        for _ in range(70_000):  # ~70 MB unzipped, a few hundred KB zipped
            stream.write(chunk)
        stream.write(b"</sst>")

    bomb = rebuilt(real_workbook([["姓名"], ["王秀英"]]), {"xl/sharedStrings.xml": huge_strings})
    assert len(bomb) < 2 * 1024 * 1024
    error = refusal(bomb)
    assert error.status == 422 and error.pointer == "/file" and "解压后过大" in error.detail


def test_a_sheet_declaring_150000_by_300_cells_is_refused_from_its_dimension():
    original = real_workbook([["姓名", "电话"], ["王秀英", "13812345678"]])
    with zipfile.ZipFile(io.BytesIO(original)) as package:
        sheet = package.read("xl/worksheets/sheet1.xml")
    declared = sheet.replace(b'<dimension ref="A1:B2" />', b'<dimension ref="A1:KN150000"/>')
    assert declared != sheet
    error = refusal(rebuilt(original, {"xl/worksheets/sheet1.xml": declared}))
    assert error.status == 422 and "150000 行 × 300 列" in error.detail


def test_a_package_of_thousands_of_parts_is_refused():
    parts = {f"xl/media/image{index}.png": b"x" for index in range(1_500)}
    error = refusal(rebuilt(real_workbook([["姓名"]]), parts))
    assert "解压后过大或结构异常" in error.detail


def test_a_sheet_wider_than_its_declared_size_is_refused_while_reading():
    wide = real_workbook([[f"列{index}" for index in range(250)]])
    with zipfile.ZipFile(io.BytesIO(wide)) as package:
        sheet = package.read("xl/worksheets/sheet1.xml")
    lying = rebuilt(
        wide, {"xl/worksheets/sheet1.xml": sheet.replace(b'<dimension ref="A1:IP1" />', b'<dimension ref="A1"/>')}
    )
    error = refusal(lying)
    assert "一行最多 200 列" in error.detail


def test_an_ordinary_workbook_still_reads():
    sheet = read_spreadsheet("名单.xlsx", real_workbook([["姓名", "电话"], ["王秀英", "13812345678"]]))
    assert sheet.headers == ["姓名", "电话"] and sheet.rows == [(2, ["王秀英", "13812345678"])]


def test_the_org_import_answers_a_bomb_with_problem_json(client, login_as, org_tree):
    login_as("county_admin", "c1")
    original = real_workbook([["名称", "编号"], ["幸福社区", "m9"]])
    with zipfile.ZipFile(io.BytesIO(original)) as package:
        sheet = package.read("xl/worksheets/sheet1.xml")
    bomb = rebuilt(
        original,
        {"xl/worksheets/sheet1.xml": sheet.replace(b'<dimension ref="A1:B2" />', b'<dimension ref="A1:KN150000"/>')},
    )
    answer = client.post(
        "/api/v1/orgs/import", data={"file": (io.BytesIO(bomb), "组织.xlsx")}, content_type="multipart/form-data"
    )
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert "表格过大" in answer.get_data(as_text=True)


def test_a_sheet_without_a_declared_size_is_bounded_by_its_unzipped_bytes(monkeypatch):
    """openpyxl walks such a sheet whole just to open the workbook (16.7 s for 20,000 × 300)."""
    from core.spreadsheets import bounds

    book = Workbook(write_only=True)  # write-only workbooks declare no <dimension>
    sheet = book.create_sheet()
    for _ in range(200):
        sheet.append(["王秀英"] * 20)
    buffer = io.BytesIO()
    book.save(buffer)
    monkeypatch.setattr(bounds, "MAX_SHEET_BYTES", 10_000)
    assert "解压后过大" in refusal(buffer.getvalue()).detail
