"""Importing residents from CSV and Excel: the report, both modes, idempotent re-import."""

import pytest
from import_helpers import HEADERS, IMPORTS, csv_file, person_row, run, start, xlsx_file
from resident_helpers import audit_of, events_of

from core.testing import rows


@pytest.fixture
def admin(client, enabled, login_as):
    login_as("community_admin", "c1/s1/m1")
    return client


def test_a_clean_csv_is_imported_into_the_grid_it_names(admin, app):
    job = run(admin, csv_file([person_row(n) for n in range(1, 6)]))
    assert (job["status"], job["imported"], job["bad_rows"]) == ("done", 5, 0)
    assert rows(app, "SELECT count(*) FROM resident_info_resident WHERE org_path = 'c1/s1/m1/g1'")[0][0] == 5
    assert len(events_of(app, "resident_registered")) == 5
    assert audit_of(app, "resident_info.residents_imported")[0][2]["imported"] == 5


def bad_rows_among(count):
    """``count`` rows of which 1 % are wrong in three different ways; returns (rows, bad lines)."""
    good = [person_row(n) for n in range(1, count + 1)]
    broken = {
        37: {"身份证号": person_row(37)["身份证号"][:-1] + ("0" if person_row(37)["身份证号"][-1] != "0" else "1")},
        120: {"身份证号": person_row(120)["身份证号"].replace("1", "１", 1)},
        250: {"联系电话": "1381234567"},
    }
    for number, change in broken.items():
        good[number - 1].update(change)
    return good, {number + 1: change for number, change in broken.items()}  # line 1 is the header


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_all_or_nothing_stores_nothing_and_reports_every_bad_row(admin, app, kind):
    people, bad = bad_rows_among(300)
    content = csv_file(people) if kind == "csv" else xlsx_file(people)
    job = run(admin, content, filename=f"居民.{kind}", mode="all_or_nothing")
    assert (job["status"], job["imported"], job["bad_rows"]) == ("rejected", 0, 3)
    assert "没有导入任何数据" in job["message"]
    assert rows(app, "SELECT count(*) FROM resident_info_resident")[0][0] == 0
    assert events_of(app, "resident_registered") == []
    reported = {(p["line"], p["column"]) for p in job["problems"]}
    assert reported == {(38, "身份证号"), (121, "身份证号"), (251, "联系电话")}
    assert all(p["reason"] and p["kind"] == "error" for p in job["problems"])


def test_valid_rows_mode_stores_the_good_rows_and_reports_the_rest(admin, app):
    people, bad = bad_rows_among(300)
    job = run(admin, csv_file(people), mode="valid_rows")
    assert (job["status"], job["imported"], job["bad_rows"]) == ("done", 297, 3)
    assert rows(app, "SELECT count(*) FROM resident_info_resident")[0][0] == 297
    assert sorted(p["line"] for p in job["problems"]) == sorted(bad)
    stored = {name for (name,) in rows(app, "SELECT name FROM resident_info_resident")}
    assert "居民37" not in stored and "居民38" in stored


def test_the_same_file_twice_adds_nothing(admin, app):
    no_id = person_row(99, 身份证号="", 性别="男", 出生日期="1950-02-03")
    content = csv_file([person_row(n) for n in range(1, 21)] + [no_id], headers=HEADERS + ["性别", "出生日期"])
    first = run(admin, content, mode="valid_rows")
    events_before = len(events_of(app, "resident_registered"))
    second = run(admin, content, mode="all_or_nothing")
    assert (first["imported"], second["imported"], second["already_registered"]) == (21, 0, 21)
    assert second["status"] == "done", "people already registered are not errors"
    assert rows(app, "SELECT count(*) FROM resident_info_resident")[0][0] == 21
    assert len(events_of(app, "resident_registered")) == events_before
    assert {p["kind"] for p in second["problems"]} == {"skipped"}


def test_a_person_twice_in_one_file_is_reported_on_the_second_line(admin, app):
    twin = person_row(5)
    job = run(admin, csv_file([person_row(4), twin, dict(twin, 姓名="重复者")]), mode="valid_rows")
    assert job["imported"] == 2
    assert job["problems"] == [
        {
            "line": 4,
            "name": "重复者",  # whose row it is, from the file itself
            "column": "身份证号",
            "field": "id_number",
            "kind": "error",
            "reason": "与第 3 行的身份证号相同，同一人只能导入一次。",
        }
    ]


def test_an_id_number_excel_stored_as_a_number_is_refused_with_advice(admin, app):
    job = run(admin, xlsx_file([person_row(1)], as_numbers=("身份证号",)), filename="居民.xlsx")
    assert job["status"] == "rejected"
    assert job["problems"][0]["column"] == "身份证号" and "文本" in job["problems"][0]["reason"]


def test_excel_dates_numbers_and_chinese_words_are_understood(admin, app):
    from datetime import datetime

    headers = ["姓名", "性别", "出生日期", "手机", "人口类型", "状态", "状态日期", "楼栋", "标签"]
    row = {
        "姓名": "李桂兰",
        "性别": "女",
        "出生日期": datetime(1941, 3, 8),
        "手机": "13900001111",
        "人口类型": "流动人口",
        "状态": "迁出",
        "状态日期": "2025/6/1",
        "楼栋": 3,
        "标签": "独居老人、残疾2级",
    }
    job = run(admin, xlsx_file([row], headers=headers, as_numbers=("手机",)), filename="名单.xlsx")
    assert job["status"] == "done", job["problems"]
    listed = admin.get("/api/v1/resident_info/residents?name=李桂兰").get_json()["items"][0]
    stored = admin.get(f"/api/v1/resident_info/residents/{listed['id']}?reveal=1").get_json()
    assert (stored["gender"], stored["birth_date"], stored["registration"], stored["status"]) == (
        "female",
        "1941-03-08",
        "floating",
        "moved_out",
    )
    assert (stored["status_date"], stored["building"], stored["phone"]) == ("2025-06-01", "3", "13900001111")
    assert stored["tags"] == [{"tag": "独居老人"}, {"tag": "残疾", "level": 2, "sensitive": True}]
    assert stored["org_path"] == "c1/s1/m1", "no grid column: the node chosen for the import"


def test_unknown_headers_need_a_mapping(admin, app):
    content = csv_file([{"居民": "赵六", "证件": person_row(1)["身份证号"]}], headers=["居民", "证件"])
    refused = start(admin, content)
    assert refused.status_code == 422 and refused.get_json()["pointer"] == "/mapping"
    assert "姓名" in refused.get_json()["detail"] and "居民、证件" in refused.get_json()["detail"]
    job = run(admin, content, mapping={"居民": "name", "证件": "id_number"})
    assert (job["status"], job["imported"]) == ("done", 1)


def test_preview_shows_headers_and_the_suggested_mapping_but_no_values(admin):
    import io

    content = csv_file([person_row(1)], headers=["名字", "身份证号码", "手机号", "备用"])
    answer = admin.post(
        f"{IMPORTS}/preview", data={"file": (io.BytesIO(content), "x.csv")}, content_type="multipart/form-data"
    ).get_json()
    assert answer["headers"] == ["名字", "身份证号码", "手机号", "备用"]
    assert answer["mapping"] == {"名字": "name", "身份证号码": "id_number", "手机号": "phone"}
    assert person_row(1)["身份证号"] not in str(answer)


def test_bad_files_are_refused_with_a_reason(admin):
    assert start(admin, b"").get_json()["pointer"] == "/file"
    old_excel = start(admin, b"\xd0\xcf\x11\xe0" + b"\0" * 100, filename="a.xls").get_json()
    assert "另存为 .xlsx" in old_excel["detail"]
    broken = start(admin, b"PK\x03\x04garbage", filename="a.xlsx").get_json()
    assert "不是有效的 .xlsx" in broken["detail"]
    assert start(admin, csv_file([]), mode="sometimes").get_json()["pointer"] == "/mode"


def test_an_unmasked_export_imports_again_and_a_masked_one_says_why_not(admin, app):
    for number in (1, 2):
        run(admin, csv_file([person_row(number)]))
    full = admin.post("/api/v1/resident_info/residents/export?format=xlsx&unmasked=1").data
    again = run(admin, full, filename="导出.xlsx")
    assert (again["status"], again["imported"], again["already_registered"]) == ("done", 0, 2)
    masked = admin.get("/api/v1/resident_info/residents/export?format=csv").data
    refused = run(admin, masked, filename="导出.csv")
    assert refused["status"] == "rejected" and refused["bad_rows"] == 2
    assert all("脱敏" in problem["reason"] for problem in refused["problems"] if problem["column"] == "身份证号")


def test_imported_records_are_stored_like_registered_ones(admin, app):
    from resident_helpers import register

    register(admin, name="表单登记", id_number=person_row(500)["身份证号"], phone="13911112222")
    run(admin, csv_file([person_row(501, 标签="低保")]))
    stored = rows(app, "SELECT name, created_at, birth_date, tags, extra FROM resident_info_resident ORDER BY id")
    (_, form_at, form_birth, _, form_extra), (_, import_at, import_birth, import_tags, import_extra) = stored
    assert type(form_at) is type(import_at) and len(str(form_at)) == len(str(import_at))
    assert str(form_birth) == "1980-01-01" == str(import_birth)
    assert str(form_extra) == str(import_extra)
    listed = admin.get("/api/v1/resident_info/residents?sort=-updated_at").get_json()["items"]
    assert {item["name"] for item in listed} == {"表单登记", "居民501"}
    assert all(item["created_at"].endswith("+00:00") for item in listed)
    assert [item["tags"] for item in listed if item["name"] == "居民501"] == [[{"tag": "低保"}]]
