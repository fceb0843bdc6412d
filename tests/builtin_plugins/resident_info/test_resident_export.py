"""Export: the filtered list as CSV or Excel, masked unless a holder of read_sensitive asks
for full values (one audit entry per export), never beyond the caller's scope, and safe to
open in a spreadsheet (no cell runs as a formula)."""

import csv
import io

from import_helpers import csv_file, person_row, run
from openpyxl import load_workbook
from resident_helpers import PLUGIN, RESIDENTS, audit_of, make_id, masked_id, package_with, register

from core.db import session_scope
from core.plugin_system.enablement import set_state
from core.state import state_of
from core.testing import rows

EXPORT = f"{RESIDENTS}/export"
OLD_ID, YOUNG_ID = make_id("19400101", "015"), make_id("20100505", "026")
GRID_NAMES = "东湖街道 › 幸福社区 › 幸福一网格"  # the grid c1/s1/m1/g1, as people read it


def masked_exporter(app):
    """Reads and exports, but holds neither read_sensitive nor read_health."""
    return package_with(app, "masked_exporters", "read", "export")


def two_residents(client, login_as):
    """Signed in as the community admin of m1: an old man living alone with a disability, a child."""
    admin = login_as("community_admin", "c1/s1/m1")
    register(
        client,
        name="张大爷",
        id_number=OLD_ID,
        phone="13912345678",
        tags=[{"tag": "独居老人"}, {"tag": "残疾", "level": 2}],
    )
    register(
        client,
        name="李小明",
        id_number=YOUNG_ID,
        phone=None,
        building="5号楼",
        tags=[{"tag": "留守儿童"}],
        registration="floating",
    )
    return admin


def csv_table(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.data.startswith("\ufeff".encode())  # Excel on Windows reads UTF-8 only with the BOM
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def xlsx_sheet(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return load_workbook(io.BytesIO(response.data)).active


def xlsx_table(response):
    values = list(xlsx_sheet(response).values)
    return [dict(zip(values[0], row)) for row in values[1:]]


def test_the_default_export_is_a_masked_csv_download_that_the_importer_can_read(app, client, login_as, enabled):
    admin = two_residents(client, login_as)
    response = client.get(f"{EXPORT}?sort=-age")

    table = csv_table(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="residents-') and ".csv\"; filename*=UTF-8''" in disposition
    assert "%E5%B1%85%E6%B0%91%E5%90%8D%E5%8D%95-" in disposition  # 居民名单-<date>.csv
    old, young = table
    assert (old["姓名"], old["身份证号"], old["联系电话"]) == ("张大爷", masked_id(OLD_ID), "139****5678")
    assert (old["性别"], old["出生日期"], old["人口类型"], old["状态"]) == (
        "男",
        "",
        "户籍人口",
        "在住",
    )  # the age shows
    assert old["所属网格"] == GRID_NAMES and old["标签"] == "独居老人、残疾2级"
    assert (young["人口类型"], young["联系电话"], young["楼栋"], young["标签"]) == ("流动人口", "", "5号楼", "留守儿童")
    assert list(old)[:3] == ["编号", "姓名", "身份证号"] and {"年龄", "户编号", "备注"} <= set(old)
    assert OLD_ID not in response.get_data(as_text=True)
    assert audit_of(app, "resident_info.residents_exported") == [
        (admin.username, "resident_info_resident:export", {"format": "csv", "rows": 2, "filter": {"sort": "-age"}})
    ]
    assert audit_of(app, "resident_info.sensitive_exported") == []


def test_the_importer_reads_the_exported_grid_names_back(client, login_as, enabled):
    two_residents(client, login_as)
    register(client, name="王芳", id_number=make_id("19800808", "044"), org_path="c1/s1/m1")
    grids = {row["姓名"]: row["所属网格"] for row in csv_table(client.get(EXPORT))}
    assert grids == {"张大爷": GRID_NAMES, "李小明": GRID_NAMES, "王芳": "东湖街道 › 幸福社区"}
    people = [person_row(1, grid=GRID_NAMES), person_row(2, grid="东湖街道 › 幸福社区")]
    job = run(client, csv_file(people))
    assert (job["status"], job["imported"], job["bad_rows"]) == ("done", 2, 0), job["problems"]
    found = client.get(RESIDENTS, query_string={"name_prefix": "居民"}).get_json()["items"]
    assert {item["name"]: item["org_path"] for item in found} == {"居民1": "c1/s1/m1/g1", "居民2": "c1/s1/m1"}


def test_the_excel_export_is_masked_too_and_keeps_id_numbers_as_text(client, login_as, enabled):
    two_residents(client, login_as)
    response = client.get(f"{EXPORT}?format=xlsx&sort=-age")

    sheet = xlsx_sheet(response)
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx\"; filename*=UTF-8''" in response.headers["Content-Disposition"]
    header = [cell.value for cell in sheet[1]]
    id_cell = sheet.cell(row=2, column=header.index("身份证号") + 1)
    assert id_cell.value == masked_id(OLD_ID) and id_cell.number_format == "@"
    assert [row["姓名"] for row in xlsx_table(response)] == ["张大爷", "李小明"]


def test_a_holder_of_read_sensitive_exports_full_values_and_one_audit_entry_is_written(app, client, login_as, enabled):
    admin = two_residents(client, login_as)
    table = xlsx_table(client.post(f"{EXPORT}?format=xlsx&unmasked=1&sort=-age&name=张大"))

    assert [(row["身份证号"], row["联系电话"]) for row in table] == [(OLD_ID, "13912345678")]
    assert audit_of(app, "resident_info.sensitive_exported") == [
        (
            admin.username,
            "resident_info_resident:export",
            {"format": "xlsx", "rows": 1, "unmasked_rows": 1, "filter": {"name": "张*", "sort": "-age"}},
        )
    ]
    assert audit_of(app, "resident_info.residents_exported") == []
    trail = rows(app, "SELECT target, detail FROM core_audit_entry")
    assert not any(OLD_ID in str(row) or "13912345678" in str(row) for row in trail)


def test_unmasked_without_read_sensitive_is_refused_and_nothing_leaks(app, client, login_as, enabled):
    two_residents(client, login_as)
    client.logout()
    login_as(masked_exporter(app), "c1/s1/m1")

    refused = client.get(f"{EXPORT}?unmasked=1")
    masked = csv_table(client.get(EXPORT))

    assert refused.status_code == 403 and "查看完整身份证号和电话" in refused.get_json()["detail"]
    assert OLD_ID not in refused.get_data(as_text=True)
    denied = rows(app, "SELECT detail FROM core_audit_entry WHERE action = 'core.permission_denied'")
    assert len(denied) == 1 and "resident_info.read_sensitive" in str(denied[0])
    assert audit_of(app, "resident_info.sensitive_exported") == []
    assert {row["身份证号"] for row in masked} == {masked_id(OLD_ID), masked_id(YOUNG_ID)}
    # Without read_health the disability tag is left out, and it cannot be found by filtering either.
    assert sorted(row["标签"] for row in masked) == ["独居老人", "留守儿童"]
    assert csv_table(client.get(f"{EXPORT}?tag=残疾")) == []


def test_full_values_only_where_the_exporter_holds_read_sensitive(app, client, login_as, make_user, enabled):
    from core.permissions.store import grant_package

    login_as("county_admin", "c1")
    register(client, name="本社区", id_number=OLD_ID, org_path="c1/s1/m1/g1")
    register(client, name="邻社区", id_number=YOUNG_ID, org_path="c1/s1/m12/g10")
    client.logout()
    exporter = make_user(masked_exporter(app), "c1/s1")
    with app.app_context(), session_scope(app) as db:
        grant_package(db, exporter.id, package_with(app, "id_readers", "read_sensitive"), "c1/s1/m1")
    client.login(exporter.username)

    table = {row["姓名"]: row["身份证号"] for row in csv_table(client.post(f"{EXPORT}?unmasked=1"))}

    assert table == {"本社区": OLD_ID, "邻社区": masked_id(YOUNG_ID)}
    ((actor, _target, detail),) = audit_of(app, "resident_info.sensitive_exported")
    assert (actor, detail["rows"], detail["unmasked_rows"]) == (exporter.username, 2, 1)


def test_the_list_filters_apply_to_the_export(client, login_as, enabled):
    two_residents(client, login_as)
    register(client, name="王芳", id_number=make_id("19800808", "044"), org_path="c1/s1/m1")

    def names(query):
        return sorted(row["姓名"] for row in csv_table(client.get(f"{EXPORT}?{query}")))

    assert names("tag=留守儿童") == ["李小明"]
    assert names("name=大爷") == ["张大爷"] and names("name_prefix=李") == ["李小明"]
    assert names("org_path=c1/s1/m1/g1") == ["张大爷", "李小明"]
    assert names("min_age=60") == ["张大爷"]
    assert names("building=5号楼&registration=floating") == ["李小明"]
    bad = client.get(f"{EXPORT}?min_age=abc")
    assert bad.status_code == 422 and bad.get_json()["pointer"] == "/min_age"
    assert client.get(f"{EXPORT}?format=pdf").get_json()["pointer"] == "/format"


def test_residents_of_a_sibling_community_never_appear(app, client, login_as, make_user, enabled):
    login_as("county_admin", "c1")
    register(client, name="本社区居民", id_number=OLD_ID, org_path="c1/s1/m1/g1")
    register(client, name="LEAK和平", id_number=YOUNG_ID, org_path="c1/s1/m12/g10")  # m12: the prefix trap
    client.logout()
    login_as("community_admin", "c1/s1/m1")

    for query in ("", "unmasked=1", "org_path=c1/s1/m12", "org_path=c1/s1", "format=xlsx", "name=LEAK"):
        response = client.post(f"{EXPORT}?{query}")
        assert response.status_code == 200, query
        found = xlsx_table(response) if "xlsx" in query else csv_table(response)
        assert "LEAK" not in str(found) and YOUNG_ID[-4:] not in str(found), query
    assert [row["姓名"] for row in csv_table(client.get(EXPORT))] == ["本社区居民"]


def test_a_cell_that_would_run_as_a_formula_is_written_as_text(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    register(client, name='=HYPERLINK("http://x")', building="+1", unit="-2", room="@SUM(A1)", notes="=1+1")
    columns = ("姓名", "楼栋", "单元", "房号", "备注")
    expected = ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "'=1+1"]

    (row,) = csv_table(client.get(EXPORT))
    sheet = xlsx_sheet(client.get(f"{EXPORT}?format=xlsx"))
    header = [cell.value for cell in sheet[1]]
    cells = [sheet.cell(row=2, column=header.index(name) + 1) for name in columns]

    assert [row[name] for name in columns] == expected
    assert [cell.value for cell in cells] == expected and {cell.data_type for cell in cells} == {"s"}


def test_too_many_rows_are_refused_before_anything_is_written(app, client, login_as, enabled, monkeypatch):
    from plugins.resident_info.exporting import services as exports

    two_residents(client, login_as)
    monkeypatch.setattr(exports, "MAX_ROWS", 1)
    refused = client.get(EXPORT)
    assert refused.status_code == 422 and "缩小筛选范围" in refused.get_json()["detail"]
    assert audit_of(app, "resident_info.residents_exported") == []
    assert len(csv_table(client.get(f"{EXPORT}?name=大爷"))) == 1  # narrowed: under the cap


def test_export_needs_the_export_permission(app, client, login_as, enabled):
    two_residents(client, login_as)
    client.logout()
    login_as("grid_feedback_worker", "c1/s1/m1/g1")
    assert client.get(EXPORT).status_code == 403
    assert client.get(f"/{PLUGIN}/export").status_code == 403
    assert "导出当前筛选结果" not in client.get(f"/{PLUGIN}/").get_data(as_text=True)


def test_where_the_plugin_is_switched_off_there_is_no_export(app, client, login_as, org_tree):
    with app.app_context(), session_scope(app) as db:
        set_state(db, state_of(app).host, PLUGIN, "c1/s1", "enabled", actor="test")
    login_as("community_admin", "c1/s2/m2")
    assert client.get(EXPORT).status_code == 404
    assert client.get(f"{EXPORT}?unmasked=1&format=xlsx").status_code == 404
    assert client.get(f"/{PLUGIN}/export").status_code == 404


def test_the_list_page_offers_the_export_of_its_current_filter(app, client, login_as, enabled):
    two_residents(client, login_as)
    page = client.get(f"/{PLUGIN}/?tag=留守儿童&sort=-age").get_data(as_text=True)
    assert 'action="/resident_info/export"' in page and "导出完整身份证号和电话" in page
    assert 'name="tag" value="留守儿童"' in page and 'name="sort" value="-age"' in page

    downloaded = csv_table(client.post(f"/{PLUGIN}/export", data={"tag": "留守儿童", "sort": "-age", "format": "csv"}))
    assert [row["姓名"] for row in downloaded] == ["李小明"]
    client.logout()
    login_as(masked_exporter(app), "c1/s1/m1")
    page = client.get(f"/{PLUGIN}/").get_data(as_text=True)
    assert "导出当前筛选结果" in page and "导出完整身份证号和电话" not in page
    refused = client.get(f"/{PLUGIN}/export?unmasked=1")
    assert refused.status_code == 403 and OLD_ID not in refused.get_data(as_text=True)


def test_a_full_export_cannot_be_set_off_by_a_link(app, client, login_as, enabled):
    """A GET (a link or redirect from another site carries the session cookie) must not
    file an audited full export in the user's name; the page's form POSTs with CSRF."""
    two_residents(client, login_as)
    for url in (f"{EXPORT}?unmasked=1", f"/{PLUGIN}/export?unmasked=1&format=xlsx"):
        refused = client.get(url)
        assert refused.status_code == 405 and OLD_ID not in refused.get_data(as_text=True)
    assert client.post(f"{EXPORT}?unmasked=1", csrf=False).status_code in (400, 403)
    assert audit_of(app, "resident_info.sensitive_exported") == []
    page = client.get(f"/{PLUGIN}/").get_data(as_text=True)
    assert 'method="post" action="/resident_info/export"' in page


def test_the_api_description_declares_the_file_download(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"][EXPORT]["get"]
    assert {"text/csv; charset=utf-8", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} <= set(
        operation["responses"]["200"]["content"]
    )
