"""One test per hook (``test_hook_<hook name>``, required by the contract test), each with
a small fixture plugin, proving the core really uses what the hook returns.

core.testing fails a ``test_hook_<hook>`` test in which the core never called the hook on a
plugin; here the plugin must be one of the fixture plugins: every app also loads
resident_info, whose startup hooks would otherwise count."""

import json
from pathlib import Path

import pytest

from core.auth.actor import Actor
from core.db import engine_of, session_scope
from core.hookspecs import HOOK_NAMES
from core.state import state_of
from core.testing import rows

FIXTURES = Path(__file__).parent / "plugin_fixtures"
M1, M12 = "c1/s1/m1", "c1/s1/m12"


@pytest.fixture(autouse=True)
def a_fixture_plugin_answers_the_hook(request, hook_calls):
    yield
    hook = request.node.originalname.removeprefix("test_hook_")
    if request.node.originalname.startswith("test_hook_") and hook in HOOK_NAMES:
        called_on = hook_calls.plugins(hook)
        assert any(plugin.startswith("fx_") for plugin in called_on), (
            f"the core called {hook} on {sorted(called_on)} only, none of the fixture plugins"
        )


def module_of(app, plugin):
    return state_of(app).host.get(plugin).module


def test_hook_gridwork_blueprints(plugged, sign_in):
    app = plugged("fx_pages", enabled_at="c1")
    assert {"fx_pages", "fx_pages_api"} <= set(app.blueprints)
    county = sign_in(app)
    assert county.get("/fx_pages/").get_data(as_text=True) == "<h1>测试页面</h1>"
    assert county.get("/api/v1/fx_pages/hello").get_json() == {"greeting": "你好"}
    paths = county.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/fx_pages/hello" in paths


def test_hook_gridwork_permissions(plugged, sign_in, make_user):
    from core.permissions.access import can
    from core.permissions.policy_reads import package_permission_names
    from core.permissions.store import set_package_permissions

    app = plugged("fx_perms", enabled_at="c1")
    catalogue = state_of(app).catalogue
    assert catalogue.get("fx_perms.export").title_zh == "导出测试数据"  # from the hook
    assert catalogue.get("fx_perms.read").title_zh == "查看测试数据"  # from the manifest
    county = sign_in(app)
    listed = {item["name"] for item in county.get("/api/v1/permissions").get_json()["items"]}
    assert {"fx_perms.export", "fx_perms.read"} <= listed
    with app.app_context(), session_scope(app) as db:  # a county admin may only hand on what they hold
        set_package_permissions(db, "county_admin", package_permission_names(db, "county_admin") | {"fx_perms.export"})
    package = {"name": "exporters", "title_zh": "导出员", "permissions": ["fx_perms.export"]}
    assert county.post("/api/v1/role-packages", json=package).status_code == 201
    unknown = county.post("/api/v1/role-packages", json={**package, "name": "ghosts", "permissions": ["fx_perms.nope"]})
    assert unknown.status_code == 422 and unknown.get_json()["pointer"] == "/permissions/0"
    assert county.put("/api/v1/plugins/fx_perms/nodes/m12", json={"state": "disabled"}).status_code == 200
    exporter = Actor.from_user(make_user("exporters", "c1/s1"))
    with app.test_request_context():
        assert can(exporter, "fx_perms.export", M1)
        assert not can(exporter, "fx_perms.export", M12)  # the plugin is off there


def test_hook_gridwork_event_types(plugged, org_tree):
    from core.api import ApiError
    from core.events import publish

    app = plugged("fx_events")
    types = state_of(app).bus.types
    assert types["fx_events.noted"].plugin == "fx_events"
    assert types["fx_events.noted"].schema == json.loads((FIXTURES / "fx_events/events/noted.json").read_text())
    assert types["fx_events.counted"].plugin == "fx_events"  # from the hook
    with app.app_context(), session_scope(app) as db:
        publish(db, "fx_events.noted", {"text": "已核实"}, org_path=M1, actor="tester")
        publish(db, "fx_events.counted", {"count": 3}, org_path=M1, actor="tester")
        with pytest.raises(ValueError, match="未声明的事件类型：fx_events.unheard_of"):
            publish(db, "fx_events.unheard_of", {}, org_path=M1)
        with pytest.raises(ApiError) as refused:
            publish(db, "fx_events.noted", {"text": ""}, org_path=M1)
        assert refused.value.status == 422 and refused.value.pointer == "/text"
    assert sorted(rows(app, "SELECT type FROM core_event WHERE type LIKE 'fx_events.%'")) == [
        ("fx_events.counted",),
        ("fx_events.noted",),
    ]


def test_hook_gridwork_event_handlers(plugged, org_tree):
    """fx_subscriber handles another plugin's event where it is enabled, and only there."""
    from core.events import publish
    from core.events.dispatch import Dispatcher

    app = plugged("fx_events", "fx_subscriber", enabled_at=M1)
    with app.app_context(), session_scope(app) as db:
        here = publish(db, "fx_events.noted", {"text": "这里"}, org_path=f"{M1}/g1", actor="tester")
        there = publish(db, "fx_events.noted", {"text": "隔壁"}, org_path=M12, actor="tester")
    with app.app_context():
        Dispatcher(app).drain()
    assert module_of(app, "fx_subscriber").HANDLED == [(here, "fx_events.noted", f"{M1}/g1", {"text": "这里"})]
    statuses = dict(
        rows(
            app,
            "SELECT event_id, status FROM core_event_delivery WHERE handler = :handler",
            handler="fx_subscriber.remember",
        )
    )
    assert statuses == {here: "done", there: "skipped"}


def test_hook_gridwork_blocks(plugged):
    app = plugged("fx_blocks")
    block, schema = state_of(app).blocks[("fx_blocks", "greeting")]
    assert schema == json.loads((FIXTURES / "fx_blocks/blocks/greeting.json").read_text())  # the manifest's
    assert block.permission == "fx_blocks.view"
    assert block.render({"text": "<b>你好</b>"}, {}) == '<p class="greeting">&lt;b&gt;你好&lt;/b&gt;</p>'


def test_hook_gridwork_nav_entries(plugged, sign_in):
    app = plugged("fx_pages", enabled_at="c1")
    assert ("fx_pages", "fx_pages.index") in {(plugin, entry.endpoint) for plugin, entry in state_of(app).nav}
    assert '<a href="/fx_pages/">测试页面</a>' in sign_in(app).get("/").get_data(as_text=True)
    worker = sign_in(app, "grid_feedback_worker", f"{M1}/g1")  # lacks fx_pages.view
    assert "/fx_pages/" not in worker.get("/").get_data(as_text=True)


def test_hook_gridwork_cli_commands(plugged):
    app = plugged("fx_cli")
    result = app.test_cli_runner().invoke(args=["fx_cli", "hello", "张三"])
    assert result.exit_code == 0, result.output
    assert result.output == "你好，张三\n"


def test_hook_gridwork_services(plugged):
    from core.plugin_system.offerings import ServiceUnavailable
    from core.public import call_service

    app = plugged("fx_services")
    with app.app_context():
        assert call_service("fx_services.greet", person="李四") == "你好，李四"
        with pytest.raises(ServiceUnavailable, match="服务不可用：fx_services.nothing"):
            call_service("fx_services.nothing")


def test_a_service_may_take_a_parameter_called_name(plugged):
    from core.public import call_service

    app = plugged("fx_services")
    with app.app_context():
        assert call_service("fx_services.find_by_name", name="王五") == {"name": "王五", "found": True}


def test_hook_gridwork_usage_figures(plugged, sign_in):
    app = plugged("fx_usage", enabled_at=M1, EXTRA_PLUGINS=["fx_minimal=fx_minimal.hooks"])  # fx_minimal: off
    county = sign_in(app)
    assert county.get("/api/v1/plugins/usage/m1").get_json() == {
        "org_path": M1,
        "figures": {"fx_usage": {"records": 7, "depth": 2}},
    }
    assert county.get("/api/v1/plugins/usage/g1").get_json()["figures"] == {"fx_usage": {"records": 7, "depth": 3}}
    assert county.get("/api/v1/plugins/usage/m12").get_json()["figures"] == {}
    assert sign_in(app, "community_admin", M12).get("/api/v1/plugins/usage/m1").status_code == 404


def test_hook_gridwork_open_work(plugged, sign_in):
    app = plugged("fx_usage", enabled_at="c1", POLICY_CHECK_INTERVAL=0)
    county = sign_in(app)
    street = county.get("/api/v1/modules/fx_usage/lifecycle/s1").get_json()
    assert street["impact"]["open_work"] == {"待处理的测试事项": 2}
    grid = county.get("/api/v1/modules/fx_usage/lifecycle/g1").get_json()
    assert grid["impact"]["open_work"] == {}  # zero counts are left out


def test_hook_gridwork_lifecycle_changed(plugged, org_tree):
    app = plugged("fx_lifecycle")
    result = app.test_cli_runner().invoke(args=["plugin", "set-state", "fx_lifecycle", "c1/s2", "enabled"])
    assert result.exit_code == 0, result.output
    assert module_of(app, "fx_lifecycle").CALLS == [
        {
            "plugin": "fx_lifecycle",
            "org_path": "c1/s2",
            "old_state": "disabled",
            "new_state": "enabled",
            "committed_setting": "enabled",
        }
    ]


def test_hook_gridwork_demo_data(plugged, monkeypatch):
    """``gridwork demo`` switches the plugin on at the county root (audited, once) and prints
    what it seeded; a failing plugin loses only its own writes; one switched off is skipped."""
    app = plugged("fx_demo", PLUGINS_ALLOW=["fx_demo"])  # resident_info would seed 2,000 people
    # The test database is migrated already, with every installed plugin's branch, which an
    # app loading fx_demo alone would not recognise.
    monkeypatch.setattr("core.demo.upgrade_all", lambda app: None)
    runner, plugin = app.test_cli_runner(), module_of(app, "fx_demo")
    first = runner.invoke(args=["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert plugin.CALLS == [
        {
            "county_path": "c01",
            "folder": app.instance_path,
            "root": {"path": "c01", "parent_path": None, "kind": "county", "name": "示范县"},
            "grids": [f"c01/s0{1 + (n > 6)}/m0{(n + 2) // 3}/g{n:02d}" for n in range(1, 13)],
        }
    ]
    assert "fx_demo          示例记录 1 条" in first.output
    assert f"文件：{Path(app.instance_path) / 'fx-demo.txt'}" in first.output
    enabled = "SELECT actor, org_path FROM core_audit_entry WHERE action = 'core.plugin_enabled'"
    assert rows(app, enabled) == [("demo", "c01")]

    plugin.FAIL.append(True)
    failed = runner.invoke(args=["demo", "--no-serve"])
    assert failed.exit_code == 0, failed.output
    assert "fx_demo          演示数据未能写入：RuntimeError: 示例数据坏了" in failed.output
    assert rows(app, "SELECT COUNT(*) FROM core_audit_entry WHERE action = 'fx_demo.sample_seeded'") == [(1,)]
    assert rows(app, enabled) == [("demo", "c01")]  # enabled once, not again
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # the rolled-back entry left no gap

    assert runner.invoke(args=["plugin", "set-state", "fx_demo", "c01", "disabled"]).exit_code == 0
    skipped = runner.invoke(args=["demo", "--no-serve"])
    assert len(plugin.CALLS) == 2 and "fx_demo          在本县未启用，未添加演示数据" in skipped.output


def test_hook_gridwork_sample_records(plugged, cross_tenant_matrix, sign_in):
    """The matrix asks each plugin enabled in a tenant for its records there and aims the
    plugin's routes at them: fx_records' one route is walked with the foreign records' ids."""
    app = plugged("fx_records", enabled_at="c1")
    module_of(app, "fx_records").records.create(engine_of(app))

    matrix = cross_tenant_matrix(app, plugins=["fx_records"])

    assert [(rule.rule, method) for rule, method, _plugin in matrix.routes()] == [
        ("/api/v1/fx_records/records/<int:record_id>", "GET")
    ]
    for tenant in (matrix.own, *matrix.foreign):
        record_id = tenant.records["fx_records"]["record_id"]
        assert rows(app, "SELECT org_path, title FROM fx_records_record WHERE id = :id", id=record_id) == [
            (tenant.path, tenant.marker)
        ]
    assert matrix.problems("community_admin") == []
    own_record = matrix.own.records["fx_records"]["record_id"]
    own = sign_in(app, "community_admin", M1).get(f"/api/v1/fx_records/records/{own_record}")
    assert own.get_json()["title"] == matrix.own.marker


def test_hook_gridwork_workbench_items(plugged, sign_in):
    app = plugged("fx_pages", enabled_at=M1)
    home = sign_in(app, "community_admin", M1).get("/").get_data(as_text=True)
    work = home[home.index('id="work"') : home.index("</section>", home.index('id="work"'))]
    assert "待复查整改" in work and ">3<small" in work and "其中逾期 1" in work and 'href="/fx_pages/"' in work
    assert "测试页面" in work  # the plugin's title, so the line says whose work it is
    # Where the plugin is off (another community), its scope is empty: no line.
    elsewhere = sign_in(app, "community_admin", M12).get("/").get_data(as_text=True)
    assert "待复查整改" not in elsewhere and "今天没有需要处理的事项" in elsewhere


def test_a_failing_workbench_count_leaves_the_page_and_the_plugin_standing(plugged, sign_in, monkeypatch):
    app = plugged("fx_pages", enabled_at=M1)
    monkeypatch.setattr(module_of(app, "fx_pages"), "BROKEN", True)
    client = sign_in(app, "community_admin", M1)
    home = client.get("/")
    assert home.status_code == 200 and "待复查整改" not in home.get_data(as_text=True)
    assert state_of(app).host.get("fx_pages") is not None  # still loaded
    monkeypatch.setattr(module_of(app, "fx_pages"), "BROKEN", False)
    assert "待复查整改" in client.get("/").get_data(as_text=True)
