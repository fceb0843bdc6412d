"""An import row whose person is registered in another street (outside probe, issue 9 §5):
the importer is not told "already registered" — that would make an all-or-nothing import a
bulk check of who lives anywhere in the county — but that the row went to a county check;
the county admin sees both sides and resolves it."""

import re

import pytest
from import_helpers import IMPORTS, csv_file, person_row, run
from resident_helpers import RESIDENTS, audit_of, register

from core.testing import GridworkClient, run_due_jobs

ELSEWHERE = "c1/s2/m2/g2"


@pytest.fixture
def registered_elsewhere(app, client, login_as, make_user, enabled):
    """Row 1's person lives in another street; row 2's in the importer's own community."""
    elsewhere, here = person_row(1), person_row(2)
    county = GridworkClient(app.test_client())
    county.login(make_user("county_admin", "c1").username)
    register(county, name=elsewhere["姓名"], id_number=elsewhere["身份证号"], org_path=ELSEWHERE)
    register(county, name=here["姓名"], id_number=here["身份证号"], org_path="c1/s1/m1/g1")
    login_as("community_admin", "c1/s1/m1")
    return county, client, [elsewhere, here, person_row(3)]


def test_the_importer_learns_only_that_the_row_went_to_a_county_check(registered_elsewhere):
    _county, importer, file_rows = registered_elsewhere
    job = run(importer, csv_file(file_rows))
    assert (job["status"], job["imported"], job["already_registered"], job["held_rows"]) == ("done", 1, 1, 1)
    reasons = {problem["line"]: (problem["kind"], problem["reason"]) for problem in job["problems"]}
    assert reasons[2][0] == "held" and "县级" in reasons[2][1] and "登记" not in reasons[2][1]
    assert reasons[3][0] == "skipped" and "已登记" in reasons[3][1]
    report = importer.get(f"{IMPORTS}/{job['id']}/report").get_data(as_text=True)
    assert "转县级核对" in report and ELSEWHERE not in report and "c1/s2" not in report
    assert importer.get(f"{IMPORTS}/held").get_json()["items"] == []  # they cannot see the other side


def test_the_county_admin_sees_both_sides_and_resolves_it_once(app, registered_elsewhere):
    county, importer, file_rows = registered_elsewhere
    job = run(importer, csv_file(file_rows))
    (held,) = county.get(f"{IMPORTS}/held").get_json()["items"]
    assert (held["job_id"], held["line"], held["import_org_path"]) == (job["id"], 2, "c1/s1/m1")
    assert held["resident"]["org_path"] == ELSEWHERE and held["resident"]["name"] == file_rows[0]["姓名"]
    assert county.get("/resident_info/import/held").status_code == 200
    assert importer.post(f"{IMPORTS}/held/{held['id']}/resolve").status_code == 404
    assert county.post(f"{IMPORTS}/held/{held['id']}/resolve").status_code == 200
    assert county.get(f"{IMPORTS}/held").get_json()["items"] == []
    assert [detail["line"] for _a, _t, detail in audit_of(app, "resident_info.held_row_resolved")] == [2]


def test_nothing_of_the_other_record_changed(registered_elsewhere):
    county, importer, file_rows = registered_elsewhere
    run(importer, csv_file(file_rows))
    found = county.get(f"{RESIDENTS}?name={file_rows[0]['姓名']}").get_json()
    assert found["total"] == 1 and found["items"][0]["org_path"] == ELSEWHERE


def test_held_rows_reach_the_county_inbox_and_settle_when_resolved(app, registered_elsewhere, clock):
    app.config["SESSION_IDLE_SECONDS"] = 7 * 86400  # the clock jumps days ahead: stay signed in
    county, importer, file_rows = registered_elsewhere
    run(importer, csv_file(file_rows))
    (notice,) = county.get("/api/v1/inbox").get_json()["items"]
    assert notice["title"] == "居民导入有 1 行待县级核对" and notice["link"] == "/resident_info/import/held"
    assert notice["place"] == "东湖街道 › 幸福社区"
    assert importer.get("/api/v1/inbox").get_json()["items"] == []  # a community admin, not the county's
    (held,) = county.get(f"{IMPORTS}/held").get_json()["items"]
    county.post(f"{IMPORTS}/held/{held['id']}/resolve")
    assert county.get("/api/v1/inbox").get_json()["items"] == []
    clock.advance(days=3)
    run_due_jobs(app)
    assert county.get("/api/v1/inbox").get_json()["items"] == []  # the reminder was cancelled


def test_unchecked_held_rows_are_escalated_after_two_days(app, registered_elsewhere, clock):
    app.config["SESSION_IDLE_SECONDS"] = 7 * 86400
    county, importer, file_rows = registered_elsewhere
    run(importer, csv_file(file_rows))
    clock.advance(days=1)
    run_due_jobs(app)
    assert len(county.get("/api/v1/inbox").get_json()["items"]) == 1
    clock.advance(days=1, minutes=1)
    run_due_jobs(app)
    titles = {item["severity"]: item["title"] for item in county.get("/api/v1/inbox").get_json()["items"]}
    assert titles["urgent"] == "居民导入待县级核对已超过 2 天（1 行）"


def workbench_line(client, title):
    """The workbench's line for ``title`` as text ("2 条 待核对的导入行 …"), or None."""
    home = client.get("/").get_data(as_text=True)
    work = home[home.index('id="work"') : home.index("</section>", home.index('id="work"'))]
    for line in work.split("<li>")[1:]:
        if title in line:
            return " ".join(re.sub(r"<[^>]+>", " ", line).split())
    return None


def test_held_rows_wait_on_the_county_workbench_until_resolved(registered_elsewhere):
    county, importer, file_rows = registered_elsewhere
    run(importer, csv_file(file_rows))
    assert workbench_line(county, "待核对的导入行").startswith("1 条 待核对的导入行")
    assert workbench_line(importer, "待核对的导入行") is None  # the importer cannot resolve it
    (held,) = county.get(f"{IMPORTS}/held").get_json()["items"]
    county.post(f"{IMPORTS}/held/{held['id']}/resolve")
    assert workbench_line(county, "待核对的导入行") is None
