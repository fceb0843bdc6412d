"""The audit page reads as sentences: action titles, people's names, objects by name, node
names and a short summary — codes and the stored JSON only behind 详情."""

import re
from html import unescape

import pytest

from core.state import state_of


def record(app, action, **fields):
    from core.audit.chain import record_audit
    from core.db import session_scope

    with app.app_context(), session_scope(app) as db:
        record_audit(db, action, **fields)


def visible_text(html):
    """What a reader sees without opening 详情: no scripts, no attributes, no folded JSON."""
    html = re.sub(r"<(script|style|details|head)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def a_grant(app, org_tree, make_user):
    admin = make_user("county_admin", "c1", username="wang_fang")
    worker = make_user("grid_feedback_worker", "c1/s1/m1/g1", username="chen_jing")
    from sqlalchemy import text

    from core.db import engine_of

    with engine_of(app).begin() as conn:
        for user, name in ((admin, "王芳"), (worker, "陈静")):
            conn.execute(text("UPDATE core_user SET display_name = :n WHERE id = :i"), {"n": name, "i": user.id})
    detail = {"user_id": worker.id, "username": worker.username, "package": "grid_feedback_worker"}
    record(app, "core.grant_created", actor=admin.username, target="grant:77", org_path="c1/s1/m1/g1", detail=detail)
    record(
        app,
        "core.user_updated",
        actor=admin.username,
        target=f"user:{worker.id}",
        org_path="c1/s1/m1/g1",
        detail={"username": worker.username, "changes": {"display_name": {"old": "x", "new": "陈静"}}},
    )
    return admin, worker


def test_an_entry_names_the_action_the_people_the_object_and_the_place(client, login_as, a_grant):
    login_as("data_supervisor", "c1")
    page = client.get("/audit?actor=王芳").get_data(as_text=True)
    shown = visible_text(page)
    assert "授予角色包" in shown and "修改账号" in shown
    assert "王芳" in shown and "陈静 · 网格反馈员" in shown  # the grant: to whom, which package
    assert "修改了姓名" in shown
    assert "东湖街道 › 幸福社区 › 幸福一网格" in shown
    for code in ("core.grant_created", "grid_feedback_worker", "c1/s1/m1/g1", "wang_fang", "grant:77"):
        assert code not in shown, code
    assert "core.grant_created" in page and "<summary>详情</summary>" in page  # … the entry itself, folded


def test_an_action_nobody_named_reads_as_other(app, client, login_as, org_tree):
    record(app, "fx_gone.thing_done", actor="nobody", org_path="c1/s1")
    login_as("data_supervisor", "c1")
    shown = visible_text(client.get("/audit?action=fx_gone.").get_data(as_text=True))
    assert "其他操作" in shown and "fx_gone" not in shown


def test_filters_by_actor_name_object_name_and_action_title(client, login_as, a_grant):
    admin, worker = a_grant
    login_as("data_supervisor", "c1")
    assert client.get("/api/v1/audit?actor=王芳").get_json()["total"] == 2  # a display name …
    assert client.get(f"/api/v1/audit?actor={admin.username}").get_json()["total"] == 2  # … or the account
    by_object = client.get("/api/v1/audit?object=陈静").get_json()["items"]
    assert [item["action"] for item in by_object] == ["core.user_updated"]
    assert client.get("/api/v1/audit?object=没有这个人").get_json()["total"] == 0  # nothing, not everything
    page = client.get("/audit").get_data(as_text=True)
    assert '<option value="core.grant_created">授予角色包</option>' in page  # the menu offers titles
    only = visible_text(client.get("/audit?action=core.grant_created").get_data(as_text=True))
    assert "授予角色包" in only and "修改了姓名" not in only


def test_the_object_link_shows_that_objects_entries_only(client, login_as, a_grant):
    _admin, worker = a_grant
    login_as("data_supervisor", "c1")
    page = client.get("/audit").get_data(as_text=True)
    assert f'href="/audit?target=user:{worker.id}"' in page
    assert client.get(f"/api/v1/audit?target=user:{worker.id}").get_json()["total"] == 1


def test_the_charts_count_what_the_filter_finds_and_download_as_csv(client, login_as, a_grant):
    login_as("data_supervisor", "c1")
    page = client.get("/audit?actor=王芳").get_data(as_text=True)
    assert page.count('class="chart card"') == 2 and "下载数据 (CSV)" in page
    per_action = client.get("/audit/charts/per-action.csv?actor=王芳")
    assert per_action.headers["Content-Type"].startswith("text/csv")
    lines = sorted(per_action.get_data().decode("utf-8-sig").splitlines())
    assert lines == ["修改账号,1", "动作,记录数", "授予角色包,1"]
    per_day = per_action = client.get("/audit/charts/per-day.csv?actor=王芳").get_data().decode("utf-8-sig")
    assert per_day.splitlines()[0] == "日期,记录数" and len(per_day.splitlines()) == 31  # the last 30 days
    assert sum(int(line.split(",")[1]) for line in per_day.splitlines()[1:]) == 2
    assert client.get("/audit/charts/secret.csv").status_code == 404


def test_a_plugin_whose_naming_service_fails_does_not_break_the_page(app, client, login_as, org_tree):
    def broken(**kwargs):
        raise RuntimeError("bug")

    state_of(app).services["resident_info.describe_audit_entries"] = broken
    state_of(app).services["resident_info.find_audit_objects"] = broken
    record(app, "resident_info.sensitive_viewed", actor="x", target="resident_info_resident:5", org_path="c1/s1")
    login_as("data_supervisor", "c1")
    page = client.get("/audit?sensitive=1")
    assert page.status_code == 200
    assert "查看居民完整身份证号和电话" in visible_text(page.get_data(as_text=True))
    assert client.get("/audit?object=张三").status_code == 200


def test_the_sensitive_tab_lists_only_views_of_personal_data(app, client, login_as, a_grant):
    record(app, "resident_info.sensitive_viewed", actor="x", target="resident_info_resident:5", org_path="c1/s1")
    record(app, "core.attachment_viewed", actor="x", target="attachment:3", org_path="c1/s1")
    login_as("data_supervisor", "c1")
    actions = [item["action"] for item in client.get("/api/v1/audit?sensitive=1").get_json()["items"]]
    assert actions == ["core.attachment_viewed", "resident_info.sensitive_viewed"]


def test_a_refusal_names_the_permission_by_title_never_by_code(app, client, login_as, org_tree):
    record(app, "core.permission_denied", actor="x", org_path="c1/s1", detail={"permission": "core.audit_read"})
    record(app, "core.permission_denied", actor="x", org_path="c1/s1", detail={"permission": "fx_gone.secret"})
    login_as("data_supervisor", "c1")
    shown = visible_text(client.get("/audit?action=core.permission_denied").get_data(as_text=True))
    assert "缺少“查看审计日志”权限" in shown and "core.audit_read" not in shown
    assert "缺少所需的权限" in shown and "fx_gone.secret" not in shown


ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
RECORDED = re.compile(
    r"""(?:record_audit\(\s*\w+,\s*|audit_change\(\s*\w+,\s*\w+,\s*|_audit\(session,\s*|"action":\s*)f?"([^"{]*(?:\{PLUGIN\}[^"{]*)?)\""""
)


def recorded_actions():
    """Every action name the code base writes to the trail as a literal (f"{PLUGIN}.x" too)."""
    found = set()
    for folder in ("core", "plugins"):
        for path in (ROOT / folder).rglob("*.py"):
            plugin = path.relative_to(ROOT).parts[1] if folder == "plugins" else "core"
            for name in RECORDED.findall(path.read_text(encoding="utf-8")):
                if "." in name:
                    found.add(name.replace("{PLUGIN}", plugin))
    from core.plugin_system.enablement import EVENT_FOR_SETTING

    conditional = {"resident_info.sensitive_exported", "resident_info.residents_exported"}  # one f-string, two names
    return found | set(EVENT_FOR_SETTING.values()) | conditional


def test_every_action_the_code_records_has_a_title(app):
    from core.web.audit_titles import UNNAMED, action_titles

    with app.app_context():
        titles = action_titles()
    actions = recorded_actions()
    assert len(actions) > 40, sorted(actions)  # the scan found the trail's writers
    assert [action for action in sorted(actions) if titles.title(action) == UNNAMED] == []


def test_a_day_on_the_chart_is_a_day_in_beijing_time(app, client, login_as, org_tree, clock):
    from datetime import UTC, datetime

    for utc_hour in (15, 16, 17):  # 23:00 on 1 December, then 00:00 and 01:00 on 2 December in Beijing
        clock.set(datetime(2026, 12, 1, utc_hour, 30, tzinfo=UTC))
        record(app, "core.logout", actor="某人", org_path="c1/s1")
    login_as("data_supervisor", "c1")
    csv = client.get("/audit/charts/per-day.csv?actor=某人&date_from=2026-11-30&date_to=2026-12-03")
    lines = csv.get_data().decode("utf-8-sig").splitlines()
    assert lines == ["日期,记录数", "11-30,0", "12-01,1", "12-02,2", "12-03,0"]


def test_changes_to_the_tree_say_what_changed(app, client, login_as, org_tree):
    record(
        app,
        "core.org_renamed",
        actor="x",
        target="org:m1",
        org_path="c1/s1/m1",
        detail={"old": "幸福村", "new": "幸福社区"},
    )
    record(app, "core.org_imported", actor="x", target="org:import", org_path="c1/s1", detail={"count": 12})
    record(app, "core.alert_issued", actor="x", target="alert:1", org_path="c1/s1", detail={"kind": "heat"})
    login_as("data_supervisor", "c1")
    shown = visible_text(client.get("/audit?action=core.").get_data(as_text=True))
    assert "组织节点改名 · 东湖街道 › 幸福社区" in shown and "“幸福村”改为“幸福社区”" in shown
    assert "批量导入组织架构" in shown and "共 12 条" in shown
    assert "发布预警 · 预警" in shown and "高温预警" in shown
