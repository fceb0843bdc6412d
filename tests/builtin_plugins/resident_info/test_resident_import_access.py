"""Who may import where, the report and template files, the CLI and the pages."""

import csv
import io
from datetime import timedelta

import pytest
from import_helpers import IMPORTS, csv_file, person_row, run, start
from openpyxl import load_workbook
from resident_helpers import audit_of

from core.testing import rows


@pytest.fixture
def admin(client, enabled, login_as):
    login_as("community_admin", "c1/s1/m1")
    return client


def test_importing_into_another_community_is_not_found(admin, app):
    assert start(admin, csv_file([person_row(1)]), org_path="c1/s1/m12").status_code == 404
    assert rows(app, "SELECT count(*) FROM resident_info_import_job")[0][0] == 0


def test_a_grid_outside_the_chosen_community_is_a_row_error(admin, app):
    job = run(
        admin, csv_file([person_row(1, grid="和平十网格"), person_row(2, grid="c1/s1/m12/g10")]), mode="valid_rows"
    )
    assert job["imported"] == 0
    assert [(p["line"], p["column"]) for p in job["problems"]] == [(2, "所属网格"), (3, "所属网格")]
    assert rows(app, "SELECT count(*) FROM resident_info_resident")[0][0] == 0


@pytest.mark.parametrize("package", ["grid_feedback_worker", "data_supervisor", "event_dispatcher"])
def test_roles_without_the_import_permission_are_refused(client, enabled, login_as, package):
    login_as(package, "c1/s1/m1")
    assert start(client, csv_file([person_row(1)])).status_code == 403


def test_jobs_of_another_community_are_not_found(admin, app, client, login_as):
    job = run(admin, csv_file([person_row(1)]))
    login_as("community_admin", "c1/s1/m12")
    assert client.get(f"{IMPORTS}/{job['id']}").status_code == 404
    assert client.get(f"{IMPORTS}/{job['id']}/report").status_code == 404
    assert client.get(IMPORTS).get_json()["items"] == []


def test_the_report_downloads_as_csv_and_excel_without_cell_values(admin):
    bad = person_row(2, 身份证号=person_row(2)["身份证号"][:-1] + "Y", 联系电话='=HYPERLINK("x")')
    job = run(admin, csv_file([person_row(1), bad]), mode="valid_rows")
    response = admin.get(f"{IMPORTS}/{job['id']}/report?format=csv")
    assert (
        response.headers["Content-Type"].startswith("text/csv")
        and "attachment" in response.headers["Content-Disposition"]
    )
    assert response.data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert table[0] == ["行号", "姓名", "列", "问题", "类型"]
    assert {(line, column) for line, _name, column, _reason, _kind in table[1:]} == {
        ("3", "身份证号"),
        ("3", "联系电话"),
    }
    assert {name for _line, name, *_rest in table[1:]} == {person_row(2)["姓名"]}  # the row's person, by name
    assert person_row(2)["身份证号"][:10] not in response.data.decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(admin.get(f"{IMPORTS}/{job['id']}/report?format=xlsx").data)).active
    assert [cell.value for cell in sheet[1]] == ["行号", "姓名", "列", "问题", "类型"] and sheet.max_row == 3


def test_the_template_has_the_chinese_headers_and_the_county_fields(admin, app):
    from plugins.resident_info.importing.columns import TEMPLATE_HEADERS

    admin.put(
        "/api/v1/resident_info/fields",
        json={
            "county_path": "c1",
            "extra_schema": {"type": "object", "properties": {"vaccinated": {"type": "boolean", "title": "已接种"}}},
            "tags": [],
        },
    )
    sheet = load_workbook(io.BytesIO(admin.get(f"{IMPORTS}/template?format=xlsx").data)).active
    headers = [cell.value for cell in sheet[1]]
    assert tuple(headers[: len(TEMPLATE_HEADERS)]) == TEMPLATE_HEADERS
    csv_headers = admin.get(f"{IMPORTS}/template?format=csv").data.decode("utf-8-sig").splitlines()[0]
    assert csv_headers.startswith("姓名,身份证号,性别")


def test_a_job_whose_runner_vanished_is_reported_as_interrupted(admin, app):
    from core.db import session_scope
    from plugins.resident_info.models import ImportJob

    job = run(admin, csv_file([person_row(1)]))
    with app.app_context(), session_scope(app) as db:
        stored = db.get(ImportJob, job["id"], execution_options={"gridwork_unscoped": "test"})
        stored.status, stored.heartbeat_at = "running", stored.heartbeat_at - timedelta(hours=1)
    answer = admin.get(f"{IMPORTS}/{job['id']}").get_json()
    assert answer["status"] == "failed" and "重新导入" in answer["message"]


def test_the_cli_imports_with_a_progress_bar_and_fails_on_bad_rows(app, enabled, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_file([person_row(n) for n in range(1, 4)]))
    bad.write_bytes(csv_file([person_row(7, 联系电话="12")]))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["residents", "import", str(good), "--org", "c1/s1/m1"])
    assert result.exit_code == 0, result.output
    assert "已完成" in result.output and "导入 3 人" in result.output
    report = tmp_path / "report.csv"
    result = runner.invoke(args=["residents", "import", str(bad), "--org", "c1/s1/m1", "--report", str(report)])
    assert result.exit_code == 1 and "第 2 行 居民7 [联系电话]" in result.output
    assert "联系电话" in report.read_bytes().decode("utf-8-sig")
    assert audit_of(app, "resident_info.residents_imported")[0][0].startswith("cli:")


def test_the_cli_refuses_an_unknown_org_node(app, enabled, tmp_path):
    file = tmp_path / "a.csv"
    file.write_bytes(csv_file([person_row(1)]))
    result = app.test_cli_runner().invoke(args=["residents", "import", str(file), "--org", "c1/s9"])
    assert result.exit_code != 0 and "不存在" in result.output


def test_the_page_starts_an_import_and_shows_the_job(admin, app):
    page = admin.get("/resident_info/import").get_data(as_text=True)
    assert "开始导入" in page and "c1/s1/m1" in page and "c1/s1/m12" not in page
    response = admin.post(
        "/resident_info/import",
        data={
            "file": (io.BytesIO(csv_file([person_row(1)])), "a.csv"),
            "org_path": "c1/s1/m1",
            "mode": "valid_rows",
            "map:备注": "",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    job_page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "<progress" in job_page and "a.csv" in job_page


def test_the_import_page_loads_its_script_from_the_plugin(admin):
    import re

    page = admin.get("/resident_info/import").get_data(as_text=True)
    script = re.search(r'<script src="([^"]+import\.js)"', page).group(1)
    response = admin.get(script)
    assert script == "/resident_info/static/resident_info/import.js"
    assert response.status_code == 200 and "preview" in response.get_data(as_text=True)
    response.close()


def test_the_page_shows_why_a_file_was_refused(admin):
    response = admin.post(
        "/resident_info/import",
        data={
            "file": (io.BytesIO(b"\xd0\xcf\x11\xe0" + b"\0" * 10), "old.xls"),
            "org_path": "c1/s1/m1",
            "mode": "valid_rows",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "另存为 .xlsx" in response.get_data(as_text=True)


def test_no_import_answer_repeats_an_id_number_or_a_phone(admin, app):
    from test_resident_scanner import unmasked

    run(admin, csv_file([person_row(1)]))
    job = run(admin, csv_file([person_row(1), person_row(2, 联系电话="1391234"), person_row(2)]), mode="valid_rows")
    assert (job["already_registered"], job["bad_rows"], job["imported"]) == (1, 1, 1)
    answers = [
        admin.get(f"{IMPORTS}/{job['id']}").get_data(as_text=True),
        admin.get(IMPORTS).get_data(as_text=True),
        admin.get(f"{IMPORTS}/{job['id']}/report").data.decode("utf-8-sig"),
        admin.get(f"/resident_info/import/{job['id']}").get_data(as_text=True),
        admin.get("/resident_info/import").get_data(as_text=True),
    ]
    sheet = load_workbook(io.BytesIO(admin.get(f"{IMPORTS}/{job['id']}/report?format=xlsx").data)).active
    answers.append(" ".join(str(value) for row in sheet.values for value in row))
    assert all(unmasked(answer) == [] for answer in answers)
    assert unmasked(person_row(2)["身份证号"] + " " + person_row(1)["联系电话"]), "the scanner sees full values"
