"""``gridwork demo`` fills the demo county's register: about 2,000 plausible residents in
households over the 12 demo grids, once, and writes the spreadsheet a visitor imports —
with exactly the mistakes it promises."""

import io
import json
import re
from collections import Counter
from pathlib import Path

from openpyxl import load_workbook

from core.testing import GridworkClient, rows
from plugins.resident_info.demo.import_file import (
    BAD_LINES,
    DUPLICATE_LINES,
    FILENAME,
    demo_import_rows,
    demo_import_xlsx,
)
from plugins.resident_info.importing.columns import TEMPLATE_COLUMNS, TEMPLATE_HEADERS
from plugins.resident_info.register import ids
from plugins.resident_info.register.present import RECORD_FIELDS
from plugins.resident_info.register.validation import BUILTIN_TAGS, validate_resident

M01_GRIDS = {"第1网格": "c01/s01/m01/g01", "第2网格": "c01/s01/m01/g02", "第3网格": "c01/s01/m01/g03"}


def as_json(value):
    return value if isinstance(value, (dict, list)) else json.loads(value)


def stored_problems(row):
    """What ``validate_resident`` says about a stored record (the demo bypasses it)."""
    record = {field: str(value) if field.endswith("date") and value else value for field, value in row._mapping.items()}
    _clean, errors = validate_resident({**record, "tags": as_json(record["tags"]), "extra": as_json(record["extra"])})
    return errors


def run_demo(app):
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    return result.output


def test_gridwork_demo_registers_about_2000_residents_in_households_once(app):
    """One demo run serves every check (it takes seconds): the register, the file, the
    second run, and what the demo's community admin sees."""
    first = run_demo(app)
    assert re.search(r"resident_info +居民 \d{4} 人（\d+ 户，分布在 12 个网格", first), first
    file = Path(app.instance_path) / FILENAME
    assert f"文件：{file}" in first and file.is_file()

    residents = rows(
        app,
        "SELECT id, org_path, id_number, household_id, relation_to_head, status, status_date, "
        "registration, tags FROM resident_info_resident",
    )
    assert 1950 <= len(residents) <= 2100
    numbers = [resident.id_number for resident in residents]
    assert len(set(numbers)) == len(numbers) and all(ids.is_valid_id(number) for number in numbers)
    assert {number[:6] for number in numbers if number} >= {"330127"}  # the demo county's real code
    grids = {path for (path,) in rows(app, "SELECT path FROM core_org_node WHERE kind = 'grid'")}
    assert len(grids) == 12 and {resident.org_path for resident in residents} == grids
    assert Counter(r.registration for r in residents).keys() == {"registered", "floating"}
    ended = [r for r in residents if r.status != "living"]
    assert {r.status for r in ended} == {"moved_out", "deceased"} and all(r.status_date for r in ended)
    assert len(ended) < len(residents) * 0.06

    heads = Counter(r.household_id for r in residents if r.relation_to_head == "head")
    households = rows(app, "SELECT id, head_resident_id FROM resident_info_household")
    assert len(households) > 500 and all(heads[household.id] == 1 for household in households)
    head_of = {r.id: r.household_id for r in residents if r.relation_to_head == "head"}
    assert all(head_of[household.head_resident_id] == household.id for household in households)

    tags = Counter(entry["tag"] for r in residents for entry in as_json(r.tags))
    assert set(tags) == set(BUILTIN_TAGS)
    index = rows(app, "SELECT tag, COUNT(*) FROM resident_info_resident_tag GROUP BY tag")
    assert sorted(tuple(row) for row in index) == sorted(tags.items())
    disabled = [entry for r in residents for entry in as_json(r.tags) if entry["tag"] == "残疾"]
    assert all(entry["sensitive"] and 1 <= entry["level"] <= 4 for entry in disabled)
    assert rows(app, "SELECT COUNT(*) FROM resident_info_history WHERE action = 'registered'")[0][0] == len(residents)
    seeded = rows(app, "SELECT actor, detail FROM core_audit_entry WHERE action = 'resident_info.demo_seeded'")
    assert [(actor, as_json(detail)["residents"]) for actor, detail in seeded] == [("demo", len(residents))]

    assert [
        problem
        for problem in map(stored_problems, rows(app, f"SELECT {', '.join(RECORD_FIELDS)} FROM resident_info_resident"))
        if problem
    ] == []

    file_numbers = {row[TEMPLATE_HEADERS.index("身份证号")] for row in read_rows(file.read_bytes())}
    assert not file_numbers & set(numbers)  # the import file's people are all new

    again = run_demo(app)
    assert f"演示居民已存在，未重复添加（本县共 {len(residents)} 人）" in again
    assert rows(app, "SELECT COUNT(*) FROM resident_info_resident")[0][0] == len(residents)
    assert rows(app, "SELECT COUNT(*) FROM core_audit_entry WHERE action = 'resident_info.demo_seeded'")[0][0] == 1

    admin = GridworkClient(app.test_client())  # the demo switched resident_info on for the county
    assert admin.login("community_admin", "gridwork-demo").status_code == 302
    assert "居民信息" in admin.get("/").get_data(as_text=True)
    found = admin.get("/api/v1/resident_info/residents?limit=5").get_json()
    assert found["total"] > 300 and {item["org_path"][:11] for item in found["items"]} == {"c01/s01/m01"}
    assert all(re.fullmatch(r"\*{16}[0-9][0-9X]", item["id_number"]) for item in found["items"])


def read_rows(content):
    sheet = load_workbook(io.BytesIO(content)).active
    lines = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert tuple(lines[0]) == TEMPLATE_HEADERS
    return lines[1:]


FIELD_OF = {header: field for header, field, _hint in TEMPLATE_COLUMNS}
TITLES = {"男": "male", "女": "female", "户籍人口": "registered", "流动人口": "floating", "在住": "living"}


def record_of(row):
    """What an importer makes of a template row (the lead's importer does it for real)."""
    record = {}
    for header, value in zip(TEMPLATE_HEADERS, row):
        field = FIELD_OF[header]
        if field == "grid":
            record["org_path"] = M01_GRIDS[value]
        elif field == "tags":
            record["tags"] = [tag_of(text) for text in value.split("、") if text]
        else:
            record[field] = TITLES.get(value, value) if value != "" else None
    return record


def tag_of(text):
    with_level = re.fullmatch(r"(.+?)([1-4])级", text)
    return {"tag": with_level.group(1), "level": int(with_level.group(2))} if with_level else {"tag": text}


def test_the_demo_import_file_has_exactly_three_bad_rows_and_one_repeated_id():
    content = demo_import_xlsx()
    sheet = load_workbook(io.BytesIO(content)).active
    id_cells = [row[TEMPLATE_HEADERS.index("身份证号")] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.number_format == "@" and cell.data_type == "s" for cell in id_cells)  # text: every digit kept
    lines = read_rows(content)
    assert len(lines) == 200 and {row[TEMPLATE_HEADERS.index("所属网格")] for row in lines} == set(M01_GRIDS)
    failures = {}
    for line, row in enumerate(lines, start=2):
        _clean, errors = validate_resident(record_of(row))
        if errors:
            failures[line] = [(error["pointer"], error["detail"]) for error in errors]
    assert failures == {
        BAD_LINES["wrong_check_character"]: [("/id_number", "身份证号校验位不正确，请逐位核对。")],
        BAD_LINES["full_width_digits"]: [
            ("/id_number", "身份证号只能包含半角数字和字母 X，请关闭全角输入法后重新输入。")
        ],
        BAD_LINES["mobile_of_10_digits"]: [("/phone", "手机号应为以 13–19 开头的 11 位数字。")],
    }
    numbers = Counter(row[TEMPLATE_HEADERS.index("身份证号")] for row in lines)
    repeated = [number for number, count in numbers.items() if count > 1]
    assert len(repeated) == 1 and numbers[repeated[0]] == 2
    assert [line for line, row in enumerate(lines, start=2) if row[1] == repeated[0]] == list(DUPLICATE_LINES)
    assert any("、残疾" in row[TEMPLATE_HEADERS.index("标签")] for row in lines)  # "独居老人、残疾2级" style
    assert demo_import_rows() == demo_import_rows()  # seeded: the same file every run
