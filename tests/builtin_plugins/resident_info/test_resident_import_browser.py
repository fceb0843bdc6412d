"""The import page in a real headless Chromium: the column mapping the page builds from the
server's preview, the progress bar, the report."""

import re

import pytest
from import_helpers import csv_file, person_row
from playwright.sync_api import expect

from core.testing import sign_in_page

pytestmark = pytest.mark.slow


def test_a_file_with_other_headers_is_mapped_in_the_page_and_imported(page, live_server, make_user, enabled, tmp_path):
    people = [person_row(n) for n in range(1, 41)]
    people[9]["联系电话"] = "1381234"
    headers = ["居民", "身份证号码", "手机", "所属网格", "备用列"]
    rows = [
        {
            "居民": p["姓名"],
            "身份证号码": p["身份证号"],
            "手机": p["联系电话"],
            "所属网格": p["所属网格"],
            "备用列": "x",
        }
        for p in people
    ]
    upload = tmp_path / "社区名单.csv"
    upload.write_bytes(csv_file(rows, headers=headers))
    sign_in_page(page, live_server, make_user("community_admin", "c1/s1/m1").username)
    page.goto(f"{live_server.url}/resident_info/")
    page.get_by_role("link", name="批量导入").click()
    expect(page).to_have_url(re.compile(r"/resident_info/import$"))
    page.wait_for_load_state()  # import.js listens for the file choice once loaded
    page.get_by_label("文件").set_input_files(str(upload))
    mapping = page.locator("#mapping")
    expect(mapping).to_be_visible()
    expect(mapping.locator("select[name='map:身份证号码']")).to_have_value("id_number")
    expect(mapping.locator("select[name='map:备用列']")).to_have_value("")
    mapping.locator("select[name='map:居民']").select_option("name")  # "居民" is no known header
    page.get_by_label("只导入正确的行").check()
    page.get_by_role("button", name="开始导入").click()
    expect(page.locator("#job-progress")).to_be_visible()
    expect(page.locator("#job-status")).to_have_text("已完成", timeout=20_000)
    expect(page.locator("#job-imported")).to_have_text("39")
    problem = page.locator("#problems li")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("第 11 行")
    expect(problem).to_contain_text("手机")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
