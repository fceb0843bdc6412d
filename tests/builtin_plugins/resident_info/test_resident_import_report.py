"""An import report that helps: the rows to fix named by the person in them (never their ID
number or phone), the rows set aside as already registered folded away, and after an
all-or-nothing refusal one button that imports the valid rows of the same upload."""

import re

import pytest
from import_helpers import csv_file, person_row, run, wait
from resident_helpers import register

from core.testing import rows, run_due_jobs


@pytest.fixture
def admin(client, enabled, login_as):
    login_as("community_admin", "c1/s1/m1")
    return client


def refused_import(admin):
    """Rows 1–3 good, row 4 (居民4) with a wrong check character, row 5 already registered."""
    already = person_row(5)
    register(admin, name=already["姓名"], id_number=already["身份证号"], org_path="c1/s1/m1/g1")
    bad = person_row(
        4, 身份证号=person_row(4)["身份证号"][:-1] + ("0" if person_row(4)["身份证号"][-1] != "0" else "1")
    )
    job = run(admin, csv_file([person_row(1), person_row(2), person_row(3), bad, already]))
    assert job["status"] == "rejected" and job["bad_rows"] == 1 and job["already_registered"] == 1
    return job, bad


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_rows_to_fix_name_the_person_and_the_registered_ones_are_folded_away(admin):
    job, bad = refused_import(admin)
    page = admin.get(f"/resident_info/import/{job['id']}").get_data(as_text=True)
    fix = page[page.index('id="problems"') : page.index("</ul>", page.index('id="problems"'))]
    assert "第 5 行 · 居民4" in text_of(fix) and "身份证号" in fix  # line 1 is the header
    assert "居民5" not in fix  # already registered is not an error
    folded = page[page.index('<details class="card" id="set-aside">') :]
    assert "已登记跳过 1 行" in folded and "第 6 行 · 居民5" in text_of(folded)
    for secret in (bad["身份证号"], bad["联系电话"], person_row(1)["身份证号"]):
        assert secret not in page


def test_one_button_imports_the_valid_rows_of_the_refused_upload(admin, app):
    job, _bad = refused_import(admin)
    page = admin.get(f"/resident_info/import/{job['id']}").get_data(as_text=True)
    assert "只导入无误的行" in page
    response = admin.post(f"/resident_info/import/{job['id']}/valid_rows")
    assert response.status_code == 302
    retry_id = int(response.headers["Location"].rsplit("/", 1)[1])
    retry = wait(admin, retry_id)
    assert (retry["status"], retry["mode"], retry["imported"], retry["bad_rows"]) == ("done", "valid_rows", 3, 1)
    assert retry["already_registered"] == 1 and retry["filename"] == job["filename"]
    # The refused job let go of its copy of the file: the button is gone, a second press says why.
    assert "只导入无误的行" not in admin.get(f"/resident_info/import/{job['id']}").get_data(as_text=True)
    again = admin.post(f"/resident_info/import/{job['id']}/valid_rows", follow_redirects=True)
    assert "原文件已不再保留" in again.get_data(as_text=True)
    assert rows(app, "SELECT count(*) FROM resident_info_import_file")[0][0] == 0


def test_a_refused_upload_is_forgotten_after_a_day(admin, app, clock):
    app.config["SESSION_IDLE_SECONDS"] = 7 * 86400  # the clock jumps ahead: stay signed in
    job, _bad = refused_import(admin)
    assert rows(app, "SELECT job_id FROM resident_info_import_file") == [(job["id"],)]
    clock.advance(hours=25)
    run_due_jobs(app)
    assert rows(app, "SELECT count(*) FROM resident_info_import_file")[0][0] == 0
    assert "只导入无误的行" not in admin.get(f"/resident_info/import/{job['id']}").get_data(as_text=True)
