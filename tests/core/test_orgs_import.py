"""Importing the org tree from CSV (批量导入): every row checked, all stored or none."""

import io

from sqlalchemy import text

BOM = "\ufeff"


def node_rows(app):
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        return {
            row.id: (row.parent_id, row.kind, row.path, row.name)
            for row in conn.execute(text("SELECT id, parent_id, kind, path, name FROM core_org_node"))
        }


def audit_actions(app):
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT action FROM core_audit_entry ORDER BY seq"))]


def post_csv(client, content):
    return client.post("/api/v1/orgs/import", data=content.encode("utf-8"), content_type="text/csv; charset=utf-8")


def test_a_good_file_creates_every_row_in_one_go(app, client, org_tree, login_as):
    login_as("street_admin", "c1/s1")
    content = (
        BOM + "编号,上级编号,类型,名称\r\n"
        "m30,s1,社区/村,新城社区\r\n"
        "g31,m30,网格,新城一网格\r\n"
        ',m30,网格,"新城二网格，东片"\r\n'
        "\r\n"
        "g32,m1,grid,幸福二网格\r\n"
    )
    response = post_csv(client, content)
    assert response.status_code == 201 and response.get_json() == {"created": 4}
    rows = node_rows(app)
    assert rows["m30"] == ("s1", "community", "c1/s1/m30", "新城社区")
    assert rows["g31"] == ("m30", "grid", "c1/s1/m30/g31", "新城一网格")
    assert rows["g32"][2] == "c1/s1/m1/g32"
    generated = [node_id for node_id, row in rows.items() if row[3] == "新城二网格，东片"]
    assert len(generated) == 1 and generated[0].startswith("g")
    assert audit_actions(app).count("core.org_imported") == 1
    assert "新城社区" in client.get("/orgs").get_data(as_text=True)


def test_one_bad_row_stores_nothing_and_every_problem_is_listed(app, client, org_tree, login_as):
    login_as("street_admin", "c1/s1")
    before = node_rows(app)
    content = (
        "编号,上级编号,类型,名称\n"
        "m40,s1,社区,合格社区\n"  # line 2: fine on its own
        "m41,s1,乡政府,社区\n"  # line 3: unknown kind
        "g42,m2,网格,青山网格\n"  # line 4: m2 is outside this street
        "g43,s1,网格,错层网格\n"  # line 5: a grid directly under a street
        "m44,s1,社区,   \n"  # line 6: empty name
        "c45,,县,新县\n"  # line 7: a root
        "M-46,s1,社区,坏编号\n"  # line 8: bad id
        "m40,s1,社区,重复\n"  # line 9: duplicate id
        "g47,m48,网格,超前\n"  # line 10: parent appears later
        "m48,s1,社区,后出现\n"
        "g1,m40,网格,已占用\n"
    )  # line 12: id taken
    response = post_csv(client, content)
    assert response.status_code == 422
    problem = response.get_json()
    assert "未导入任何数据" in problem["detail"]
    reported = [(error["line"], error["column"]) for error in problem["errors"]]
    assert reported == [
        (3, "类型"),
        (4, "上级编号"),
        (5, "类型"),
        (6, "名称"),
        (7, "上级编号"),
        (8, "编号"),
        (9, "编号"),
        (10, "上级编号"),
        (12, "编号"),
    ]
    reasons = {error["line"]: error["reason"] for error in problem["errors"]}
    assert "无法识别的类型“乡政府”" in reasons[3]
    assert "不在您的管理范围内" in reasons[4]
    assert "“街道/乡镇”下只能是“社区/村”" in reasons[5]
    assert "名称不能为空" in reasons[6]
    assert "不能新建县/区" in reasons[7]
    assert "格式不正确" in reasons[8]
    assert "与第 2 行重复" in reasons[9]
    assert "在第 11 行才出现" in reasons[10]
    assert "已被占用" in reasons[12]
    assert node_rows(app) == before
    assert "core.org_imported" not in audit_actions(app)


def test_upload_as_a_form_file_with_english_headers(app, client, org_tree, login_as):
    login_as("county_admin", "c1")
    upload = io.BytesIO(b"name,kind,parent_id,id\nSouth Street,street,c1,s_south\n")
    response = client.post(
        "/api/v1/orgs/import", data={"file": (upload, "orgs.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 201
    assert node_rows(app)["s_south"] == ("c1", "street", "c1/s_south", "South Street")


def test_a_file_in_an_unknown_encoding_or_lacking_columns_is_explained(client, org_tree, login_as):
    login_as("county_admin", "c1")
    utf16 = client.post(
        "/api/v1/orgs/import",
        data="编号,上级编号,类型,名称\nm1x,s1,社区,某社区\n".encode("utf-16"),
        content_type="text/csv",
    )
    assert utf16.status_code == 422
    assert "无法识别文件的字符编码" in utf16.get_json()["errors"][0]["reason"]
    missing = post_csv(client, "编号,上级编号,名称\nm1x,s1,某社区\n")
    assert missing.status_code == 422
    assert missing.get_json()["errors"] == [{"line": 1, "column": "类型", "reason": "缺少“类型”列。"}]
    json_body = client.post("/api/v1/orgs/import", json={"rows": []})
    assert json_body.status_code == 415


def test_a_gb18030_csv_as_excel_saves_it_on_chinese_windows_is_imported(app, client, org_tree, login_as):
    login_as("street_admin", "c1/s1")
    content = "编号,上级编号,类型,名称\r\nm60,s1,社区,镕锦社区\r\ng61,m60,网格,镕锦一网格\r\n".encode("gb18030")

    response = client.post("/api/v1/orgs/import", data=content, content_type="text/csv")

    assert response.status_code == 201 and response.get_json() == {"created": 2}
    assert node_rows(app)["m60"] == ("s1", "community", "c1/s1/m60", "镕锦社区")
    assert node_rows(app)["g61"][3] == "镕锦一网格"


def test_an_xlsx_file_is_imported_from_its_first_sheet(app, client, org_tree, login_as):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["编号", "上级编号", "类型", "名称"])
    sheet.append(["m70", "s1", "社区/村", "滨江社区"])
    sheet.append([None, None, None, None])  # an empty row in between is skipped
    sheet.append(["g71", "m70", "网格", 3])  # a name Excel stored as a number
    workbook.create_sheet("说明").append(["只读第一个工作表", "x", "y", "z"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    login_as("street_admin", "c1/s1")

    response = client.post(
        "/api/v1/orgs/import",
        data={"file": (io.BytesIO(buffer.getvalue()), "组织.xlsx")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 201 and response.get_json() == {"created": 2}
    assert node_rows(app)["m70"] == ("s1", "community", "c1/s1/m70", "滨江社区")
    assert node_rows(app)["g71"] == ("m70", "grid", "c1/s1/m70/g71", "3")


def test_an_xlsx_row_error_names_the_line_excel_shows(client, org_tree, login_as):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append([])
    workbook.active.append(["编号", "上级编号", "类型", "名称"])  # header on line 2
    workbook.active.append(["m80", "s1", "乡政府", "某社区"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    login_as("street_admin", "c1/s1")

    response = client.post(
        "/api/v1/orgs/import",
        data={"file": (io.BytesIO(buffer.getvalue()), "组织.xlsx")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 422
    assert [(e["line"], e["column"]) for e in response.get_json()["errors"]] == [(3, "类型")]


def test_a_broken_xlsx_or_an_old_xls_is_refused_with_a_reason(client, org_tree, login_as):
    login_as("county_admin", "c1")
    for content, filename, reason in (
        (b"PK\x03\x04garbage", "orgs.xlsx", "不是有效的 .xlsx"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "orgs.xls", "另存为 .xlsx"),
    ):
        response = client.post(
            "/api/v1/orgs/import", data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data"
        )
        assert response.status_code == 422 and reason in response.get_json()["errors"][0]["reason"]


def test_the_template_downloads_with_chinese_headers(client, login_as, org_tree):
    login_as("street_admin", "c1/s1")
    response = client.get("/api/v1/orgs/import/template")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    content = response.get_data().decode("utf-8")
    assert content.startswith(BOM + "编号,上级编号,类型,名称\r\n") and content.count("\r\n") == 2


def test_the_page_shows_the_row_by_row_errors(client, org_tree, login_as):
    login_as("street_admin", "c1/s1")
    upload = io.BytesIO("编号,上级编号,类型,名称\nm50,s9,社区,无上级\n".encode())
    response = client.post("/orgs/import", data={"file": (upload, "orgs.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "导入失败，未导入任何数据" in page and '<td data-label="行">2</td><td data-label="列">上级编号</td>' in page
    assert "上级节点“s9”不存在" in page
    good = io.BytesIO("编号,上级编号,类型,名称\nm51,s1,社区,导入社区\n".encode())
    assert (
        client.post("/orgs/import", data={"file": (good, "orgs.csv")}, content_type="multipart/form-data").status_code
        == 302
    )
    assert "已导入 1 个节点" in client.get("/orgs").get_data(as_text=True)


def test_a_service_caller_may_import_counties(app, org_tree):
    """What a future CLI uses: roots allowed, scope = the whole tree."""
    from core.db import session_scope
    from core.orgs.csv_import import import_csv
    from core.orgs.service import Editor
    from core.tree.scope import whole_tree_scope

    with app.app_context(), session_scope(app) as db:
        editor = Editor("cli", whole_tree_scope(db))
        assert (
            import_csv(db, editor, "编号,上级编号,类型,名称\nc7,,县/区,新县\ns71,c7,街道,新街道\n", allow_roots=True)
            == 2
        )
    assert node_rows(app)["s71"] == ("c7", "street", "c7/s71", "新街道")
