"""Loading plugins: a good one shows up with everything it implements; a broken one is
stopped with a message that says what to fix, and the app starts and serves the others."""

import json
import logging
import shutil
from pathlib import Path

import pytest

from core.state import state_of
from core.testing import GridworkClient, signed_in_client

FIXTURES = Path(__file__).parent / "plugin_fixtures"


@pytest.fixture
def county_client(make_user, org_tree):
    """``county_client(app)`` → a client of ``app`` signed in as a county admin."""
    user = make_user("county_admin", "c1")

    def sign_in(app):
        return signed_in_client(app, user)

    return sign_in


def listed(client):
    body = client.get("/api/v1/plugins").get_json()
    return {item["name"]: item for item in body["items"]}


def error_of(app, name):
    return state_of(app).host.plugins[name].error


def copy_plugin(source, root, folder, **manifest_changes):
    """A copy of fixture plugin ``source`` in ``root/folder``, its manifest changed."""
    target = Path(root) / folder
    shutil.copytree(FIXTURES / source, target, ignore=shutil.ignore_patterns("__pycache__"))
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    manifest.update({"name": folder, **manifest_changes})
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return target


def fake_distribution(root, dist_name, version, plugins):
    """A ``<name>.dist-info`` with entry points in ``root`` (put it on sys.path): what pip
    would leave behind, without running pip."""
    info = Path(root) / f"{dist_name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist_name}\nVersion: {version}\n")
    lines = "".join(f"{name} = {module}\n" for name, module in plugins.items())
    (info / "entry_points.txt").write_text(f"[gridwork.plugins]\n{lines}")


# ---------------------------------------------------------------- a good plugin


def test_a_good_plugin_is_listed_with_its_facts_and_hooks(plugged, county_client):
    app = plugged("fx_pages")
    item = listed(county_client(app))["fx_pages"]
    assert item["version"] == "1.0.0"
    assert item["title"] == {"zh": "测试页面", "en": "Test pages"}
    assert item["source"] == "config"
    assert item["hooks"] == [
        "gridwork_blueprints",
        "gridwork_nav_entries",
        "gridwork_workbench_items",
    ]
    assert item["load_state"] == "loaded" and item["error"] is None
    assert item["permissions"] == ["fx_pages.view"]
    assert item["state"] == "disabled"  # installed is not enabled


def test_the_core_lists_itself_first_as_always_on(plugged, county_client):
    items = county_client(plugged("fx_pages")).get("/api/v1/plugins").get_json()["items"]
    assert items[0]["name"] == "core" and items[0]["source"] == "core" and items[0]["state"] == "enabled"


# ---------------------------------------------------------------- bad manifests


def _invalid_json(folder):
    (folder / "manifest.json").write_text('{"name": "fx_broken", ', encoding="utf-8")


BAD_MANIFESTS = {
    "invalid_json": (_invalid_json, "不是有效的 JSON（第 1 行"),
    "missing_title": (lambda folder: _edit(folder, drop="title"), "/title 缺少必填字段 title"),
    "name_not_entry_point": (
        lambda folder: _edit(folder, name="fx_other"),
        "/name 名称 fx_other 与入口点名称 fx_broken 不一致",
    ),
    "table_without_prefix": (
        lambda folder: _edit(folder, tables=[{"name": "notes"}]),
        "/tables/0/name 表名必须以 fx_broken_ 开头",
    ),
    "audit_action_twice": (
        lambda folder: _edit(folder, audit_actions=[{"name": "done", "title": {"zh": "完成"}}] * 2),
        "/audit_actions/1/name 名称重复：done",
    ),
    "audit_action_without_title": (
        lambda folder: _edit(folder, audit_actions=[{"name": "done"}]),
        "/audit_actions/0/title 缺少必填字段 title",
    ),
    "core_too_new": (lambda folder: _edit(folder, core=">=2.0"), "/core 需要核心版本 >=2.0，当前为 0.1.0"),
    "missing_schema_file": (
        lambda folder: _edit(folder, settings_schema="settings.json"),
        "/settings_schema 找不到模式文件 settings.json",
    ),
}


def _edit(folder, drop=None, **changes):
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest.pop(drop, None)
    manifest.update(changes)
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("fault", BAD_MANIFESTS)
def test_a_bad_manifest_stops_only_its_plugin_and_names_file_and_pointer(fault, plugged, county_client, tmp_path):
    break_it, message = BAD_MANIFESTS[fault]
    break_it(copy_plugin("fx_minimal", tmp_path, "fx_broken"))
    app = plugged("fx_broken", "fx_pages", search_path=[tmp_path])
    plugins = listed(county_client(app))
    assert plugins["fx_broken"]["load_state"] == "error"
    assert str(tmp_path / "fx_broken" / "manifest.json") in plugins["fx_broken"]["error"]
    assert message in plugins["fx_broken"]["error"]
    assert plugins["fx_pages"]["load_state"] == "loaded"


def test_a_manifest_in_a_folder_of_another_name_is_refused(plugged, tmp_path):
    copy_plugin("fx_minimal", tmp_path, "fx_elsewhere", name="fx_broken")
    app = plugged(search_path=[tmp_path], EXTRA_PLUGINS=["fx_broken=fx_elsewhere.hooks"])
    assert "/name 名称 fx_broken 与所在文件夹 fx_elsewhere 不一致" in error_of(app, "fx_broken")


# ---------------------------------------------------------------- default packages an admin could not grant

TRAP = [{"name": "note", "title": {"zh": "记录"}, "default_packages": ["county_admin", "community_admin"]}]
TRAP_WARNING = (
    "权限 fx_trap.note 的 default_packages 有 community_admin 却没有 street_admin："
    "授予角色包须持有包内全部权限，street_admin 将无法授予 community_admin。请把 street_admin 也列入。"
)


def test_a_permission_given_below_an_admin_but_not_to_them_loads_with_a_warning(
    plugged, county_client, tmp_path, caplog
):
    copy_plugin("fx_minimal", tmp_path, "fx_trap", permissions=TRAP)

    with caplog.at_level(logging.WARNING, logger="core.plugin_system.default_packages"):
        app = plugged("fx_trap", search_path=[tmp_path])

    assert error_of(app, "fx_trap") is None  # a warning, not a refusal
    assert listed(county_client(app))["fx_trap"]["warnings"] == [TRAP_WARNING]
    assert TRAP_WARNING in caplog.text
    shown = app.test_cli_runner().invoke(args=["plugin", "list"]).output
    assert f"注意：{TRAP_WARNING}" in shown


def test_the_warning_is_true_a_street_admin_cannot_grant_the_community_package(plugged, make_user, tmp_path, org_tree):
    copy_plugin("fx_minimal", tmp_path, "fx_trap", permissions=TRAP)
    app = plugged("fx_trap", search_path=[tmp_path], enabled_at="c1")
    street = make_user("street_admin", "c1/s1")
    newcomer = make_user("grid_feedback_worker", "c1/s1/m1")
    client = GridworkClient(app.test_client())
    client.login(street.username)

    refused = client.post(
        "/api/v1/grants", json={"user_id": newcomer.id, "package": "community_admin", "org_path": "c1/s1/m1"}
    )

    assert refused.status_code == 403 and "不能授予" in refused.get_json()["detail"]


def test_the_built_in_plugins_give_their_permissions_up_the_whole_admin_chain(app):
    assert {name: plugin.warnings for name, plugin in state_of(app).host.plugins.items() if plugin.warnings} == {}


# ---------------------------------------------------------------- faults in the code


def test_an_import_error_names_the_module(plugged, county_client):
    app = plugged("fx_import_error", "fx_pages")
    error = listed(county_client(app))["fx_import_error"]["error"]
    assert error.startswith("fx_import_error.hooks：ModuleNotFoundError")
    assert "fx_import_error_missing_dependency" in error


def test_a_misspelt_hook_is_an_error_not_silence(plugged):
    app = plugged("fx_misspelt", "fx_pages")
    assert "未知的钩子 gridwork_blueprintz" in error_of(app, "fx_misspelt")
    assert state_of(app).host.get("fx_pages") is not None


def test_a_startup_hook_that_raises_stops_that_plugin_and_the_others_serve(plugged, county_client):
    app = plugged("fx_pages", enabled_at="c1", EXTRA_PLUGINS=["fx_raising=fx_raising.hooks"])
    client = county_client(app)
    assert listed(client)["fx_raising"]["error"] == "gridwork_blueprints 出错：RuntimeError: 故意出错"
    assert client.get("/fx_pages/").status_code == 200


@pytest.mark.parametrize("name, owner", [("core.plugin_manage", "core"), ("fx_pages.view", "fx_pages")])
def test_a_permission_named_after_someone_else_is_refused(name, owner, plugged):
    app = plugged("fx_dup_perm", "fx_pages", FX_DUP_PERMISSION=name)
    error = error_of(app, "fx_dup_perm")
    assert name in error and "必须以插件名 fx_dup_perm 开头" in error
    permission = state_of(app).catalogue.get(name)
    assert permission.title_zh != "重复的权限"  # the owner's permission is untouched
    assert state_of(app).host.get(owner) is not None


def test_a_permission_declared_twice_is_refused(plugged):
    app = plugged("fx_dup_perm", FX_DUP_PERMISSION="fx_dup_perm.read")
    assert "名称 fx_dup_perm.read 重复" in error_of(app, "fx_dup_perm")
    assert "fx_dup_perm.read" not in state_of(app).catalogue


def test_a_blueprint_not_named_after_its_plugin_is_refused_and_not_mounted(plugged, county_client):
    app = plugged("fx_bad_blueprint")
    assert "stranger 必须以插件名 fx_bad_blueprint 开头" in error_of(app, "fx_bad_blueprint")
    assert "stranger" not in app.blueprints
    assert county_client(app).get("/stranger/").status_code == 404


def test_a_cli_command_not_named_after_its_plugin_is_refused(plugged):
    from core.commands import db_cli

    app = plugged("fx_cli", FX_CLI_GROUP="db")
    assert app.cli.commands["db"] is db_cli, "a plugin replaced the core's `gridwork db`"
    assert error_of(app, "fx_cli") is not None and "db" in error_of(app, "fx_cli")


def test_a_plugin_may_claim_a_command_name_in_its_manifest(plugged, tmp_path):
    copy_plugin("fx_cli", tmp_path, "fx_claims", cli_commands=["fx-hello"])
    app = plugged("fx_claims", search_path=[tmp_path], FX_CLI_GROUP="fx-hello")
    assert error_of(app, "fx_claims") is None
    result = app.test_cli_runner().invoke(args=["fx-hello", "hello", "张三"])
    assert (result.exit_code, result.output) == (0, "你好，张三\n")


def test_a_claim_cannot_take_a_core_command(plugged, tmp_path):
    from core.commands import db_cli

    copy_plugin("fx_cli", tmp_path, "fx_greedy", cli_commands=["db"])
    app = plugged("fx_greedy", search_path=[tmp_path], FX_CLI_GROUP="db")
    assert app.cli.commands["db"] is db_cli
    assert "重复" in error_of(app, "fx_greedy")


def test_a_plugin_needing_a_missing_plugin_is_refused(plugged):
    app = plugged("fx_orphan", "fx_pages")
    assert error_of(app, "fx_orphan") == "缺少依赖的插件：fx_missing"
    assert state_of(app).host.get("fx_pages") is not None


def test_a_plugin_whose_dependency_failed_is_refused_too(plugged, tmp_path):
    copy_plugin("fx_minimal", tmp_path, "fx_needs_orphan", dependencies=["fx_orphan"])
    app = plugged("fx_orphan", "fx_needs_orphan", search_path=[tmp_path])
    assert error_of(app, "fx_needs_orphan") == "缺少依赖的插件：fx_orphan"


def test_a_second_plugin_of_the_same_name_is_refused(plugged):
    app = plugged("fx_pages", EXTRA_PLUGINS=["fx_pages=fx_minimal.hooks"])
    host = state_of(app).host
    assert host.get("fx_pages").module_name == "fx_pages.hooks"
    refused = host.plugins["fx_pages#fx_minimal.hooks"]
    assert refused.error == "插件名称 fx_pages 已被 fx_pages.hooks 使用，未加载"


def test_a_block_missing_from_the_manifest_is_refused(plugged):
    app = plugged("fx_halfblock")
    assert "功能块 undeclared 没有在 manifest.json 的 blocks 中声明" in error_of(app, "fx_halfblock")
    assert ("fx_halfblock", "undeclared") not in state_of(app).blocks


def test_a_plugin_refused_late_leaves_nothing_behind(plugged):
    """fx_halfblock passes the name checks, then offers a block its manifest lacks. The
    plugins page says it failed, so nothing of it may be live."""
    app = plugged("fx_halfblock")
    assert state_of(app).host.get("fx_halfblock") is None
    assert "fx_halfblock.ping" not in state_of(app).services
    assert "fx_halfblock.use" not in state_of(app).catalogue
    assert "fx_halfblock.listen" not in state_of(app).bus.handlers


# ---------------------------------------------------------------- discovery


def test_an_installed_distribution_is_loaded_from_its_entry_point(plugged, county_client, tmp_path):
    copy_plugin("fx_minimal", tmp_path, "fx_pkg")
    fake_distribution(tmp_path, "fx-pkg", "1.2.3", {"fx_pkg": "fx_pkg.hooks"})
    app = plugged(search_path=[tmp_path])
    item = listed(county_client(app))["fx_pkg"]
    assert item["source"] == "package" and item["distribution"] == "fx-pkg"
    assert item["load_state"] == "loaded" and item["hooks"] == ["gridwork_usage_figures"]


def test_autoload_off_skips_packages_but_loads_builtins_and_configured_plugins(plugged, tmp_path):
    packages, builtins = tmp_path / "site", tmp_path / "gridwork_dist"
    copy_plugin("fx_minimal", packages, "fx_pkg")
    fake_distribution(packages, "fx-pkg", "1.2.3", {"fx_pkg": "fx_pkg.hooks"})
    copy_plugin("fx_minimal", builtins, "fx_builtin")
    # Built-ins are the entry points of the gridwork distribution itself.
    fake_distribution(builtins, "gridwork", "0.1.0", {"fx_builtin": "fx_builtin.hooks"})
    app = plugged("fx_pages", search_path=[packages, builtins], PLUGINS_AUTOLOAD=False)
    host = state_of(app).host
    assert "fx_pkg" not in host.plugins
    assert host.get("fx_builtin").source == "builtin"
    assert host.get("fx_pages").source == "config"


@pytest.mark.parametrize("value", ["false", "0", "False", "off"])
def test_the_environment_switch_turns_autoload_off(value, plugged, tmp_path, monkeypatch):
    copy_plugin("fx_minimal", tmp_path, "fx_pkg")
    fake_distribution(tmp_path, "fx-pkg", "1.2.3", {"fx_pkg": "fx_pkg.hooks"})
    monkeypatch.setenv("GRIDWORK_PLUGINS_AUTOLOAD", value)
    assert "fx_pkg" not in state_of(plugged(search_path=[tmp_path])).host.plugins


def test_the_allow_list_narrows_what_loads(plugged, tmp_path):
    copy_plugin("fx_minimal", tmp_path, "fx_pkg")
    fake_distribution(tmp_path, "fx-pkg", "1.2.3", {"fx_pkg": "fx_pkg.hooks"})
    app = plugged("fx_pages", "fx_usage", search_path=[tmp_path], PLUGINS_ALLOW="fx_usage, fx_pkg")
    assert set(state_of(app).host.plugins) == {"core", "fx_usage", "fx_pkg"}


def test_plugin_list_command_shows_loaded_and_failed_plugins(plugged):
    app = plugged("fx_pages", "fx_raising")
    result = app.test_cli_runner().invoke(args=["plugin", "list"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert "1.0.0" in lines["fx_pages"] and "config" in lines["fx_pages"] and "已加载" in lines["fx_pages"]
    assert "未加载：gridwork_blueprints 出错：RuntimeError: 故意出错" in lines["fx_raising"]
