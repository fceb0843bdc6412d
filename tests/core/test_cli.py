"""The ``gridwork`` command: migrations, first admin, tokens, audit verify, demo data, and
what an operator sees on a fresh machine (no tracebacks, no stray instance folder)."""

import os
import subprocess
import sys
import uuid
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from core.app import create_app
from core.state import state_of
from core.testing import TEST_DB_ENV


def make_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    # TESTING keeps the background loops off: a request here would otherwise start threads
    # that outlive the test and its database (core.testing fails such a test).
    config = {"DATABASE_URL": url, "SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path / "instance")}
    return create_app({**config, "TESTING": True})


def test_db_upgrade_creates_the_schema_on_an_empty_database(tmp_path):
    app = make_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "已应用" in result.output and "已是最新" not in result.output
    from alembic.script import ScriptDirectory

    from core.db import engine_of
    from core.migrate import alembic_config
    from core.plugin_system.migrations import plugin_migration_folders

    folders = plugin_migration_folders(state_of(app).host)
    script = ScriptDirectory.from_config(alembic_config(app.config["DATABASE_URL"], folders))
    with engine_of(app).connect() as conn:
        stored = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    # Alembic stores a head another branch depends on (core's, under a plugin's depends_on)
    # only through that branch: every head must be applied, directly or as a dependency.
    applied = {revision.revision for revision in script.revision_map.iterate_revisions(stored, "base")}
    assert set(script.get_heads()) <= applied
    engine_of(app).dispose()


def test_create_admin_then_log_in_and_verify_the_audit_chain(tmp_path):
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    result = runner.invoke(args=["create-admin", "--username", "root_admin", "--password", "a-long-admin-passphrase"])
    assert result.exit_code == 0, result.output
    assert "县级管理员" in result.output
    from core.testing import GridworkClient

    client = GridworkClient(app.test_client())
    app.config["SESSION_COOKIE_SECURE"] = False
    assert client.login("root_admin", "a-long-admin-passphrase").status_code == 302
    assert client.get("/api/v1/me").get_json()["grants"] == [{"package": "county_admin", "org_path": "c01"}]
    verify = runner.invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output
    from core.db import engine_of

    engine_of(app).dispose()


def test_create_admin_refuses_a_weak_password(tmp_path):
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    result = runner.invoke(args=["create-admin", "--username", "root_admin", "--password", "short"])
    assert result.exit_code != 0 and "至少需要 12 个字符" in result.output
    from core.db import engine_of

    engine_of(app).dispose()


def test_token_create_prints_a_working_token(tmp_path):
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "--no-serve"])
    result = runner.invoke(args=["token", "create", "--user", "supervisor"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["username"] == "supervisor"
    from core.db import engine_of

    engine_of(app).dispose()


def test_demo_seeds_the_county_and_accounts_idempotently(tmp_path):
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "--no-serve"])
    second = runner.invoke(args=["demo", "--no-serve", "--password", "ignored-for-existing"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    for name in ("county_admin", "street_admin", "community_admin", "dispatcher", "grid_worker", "supervisor"):
        assert name in first.output
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        kinds = dict(conn.execute(text("SELECT kind, COUNT(*) FROM core_org_node GROUP BY kind")).all())
        users = conn.execute(text("SELECT COUNT(*) FROM core_user")).scalar_one()
    assert kinds == {"county": 1, "street": 2, "community": 4, "grid": 12}
    assert users == 6
    client = app.test_client()
    app.config["SESSION_COOKIE_SECURE"] = False
    from core.testing import GridworkClient

    gw = GridworkClient(client)
    assert gw.login("grid_worker", "gridwork-demo").status_code == 302
    assert gw.get("/api/v1/me").get_json()["grants"] == [
        {"package": "grid_feedback_worker", "org_path": "c01/s01/m01/g01"}
    ]
    engine_of(app).dispose()


# ---------------------------------------------------------------- the entry point and the core's commands


def test_building_the_app_does_not_import_the_entry_point_back():
    """app → plugin setup → default plugin → commands must never lead back to core.app or
    core.cli: that cycle made ``import core.default_plugin`` fail on its own."""
    import grimp

    graph = grimp.build_graph("core")
    for importer in ("core.commands", "core.default_plugin"):
        for entry in ("core.app", "core.cli"):
            assert graph.find_shortest_chain(importer=importer, imported=entry) is None, (importer, entry)


def test_db_upgrade_names_each_migration_it_applies_and_says_up_to_date_only_when_nothing_ran(tmp_path):
    runner = make_app(tmp_path).test_cli_runner()

    first = runner.invoke(args=["db", "upgrade"]).output
    second = runner.invoke(args=["db", "upgrade"]).output

    assert "core_0001" in first and "resident_info_0001" in first  # the core and the built-in plugin
    assert "数据库已升级到最新结构。" in first
    assert second.strip() == "数据库已是最新结构，没有需要应用的迁移。"


# ---------------------------------------------------------------- gridwork as an operator types it


@pytest.fixture
def operator_folder(tmp_path, monkeypatch):
    """A fresh folder the operator stands in, with no Gridwork settings in the environment
    (the instance folder defaults to ./instance)."""
    monkeypatch.chdir(tmp_path)
    for name in ("GRIDWORK_INSTANCE_PATH", "GRIDWORK_DATABASE_URL", "GRIDWORK_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def gridwork(*args, **env):
    """Run ``gridwork ARGS`` in this process, through the same group the console script uses."""
    from flask.cli import ScriptInfo

    from core.cli import GridworkGroup, _create_app
    from core.db import engine_of

    built = []

    def create_app():
        built.append(_create_app())
        return built[-1]

    info = ScriptInfo(create_app=create_app, load_dotenv_defaults=False)
    # FlaskGroup sets FLASK_RUN_FROM_CLI for the process; the runner restores listed variables.
    result = CliRunner().invoke(GridworkGroup(), list(args), obj=info, env={"FLASK_RUN_FROM_CLI": None, **env})
    for app in built:  # a process would close its connections on exit; this one goes on
        engine_of(app).dispose()
    return result


@pytest.fixture
def unmigrated_env(operator_folder):
    """Environment for a database without tables: on PostgreSQL an empty database, on SQLite
    the default file in an instance folder that does not exist yet."""
    server = os.environ.get(TEST_DB_ENV, "").strip()
    if not server:
        yield {}
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    name = f"gw_empty_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield {"GRIDWORK_DATABASE_URL": make_url(server).set(database=name).render_as_string(hide_password=False)}
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.parametrize(
    "args",
    [
        ["create-admin", "--username", "root_admin", "--password", "a-long-admin-passphrase"],
        ["token", "create", "--user", "root_admin"],
        ["plugin", "set-state", "resident_info", "c01", "enabled"],
        ["audit", "verify"],
    ],
    ids=["create-admin", "token-create", "plugin-set-state", "audit-verify"],
)
def test_a_command_before_db_upgrade_says_in_one_line_to_run_it_first(unmigrated_env, args):
    result = gridwork(*args, **unmigrated_env)

    assert result.exit_code == 1
    assert result.output.strip() == "数据库还没有建表（或缺少部分表）：请先运行 gridwork db upgrade。"
    assert "Traceback" not in result.output


def test_once_migrated_the_same_commands_work(unmigrated_env):
    assert gridwork("db", "upgrade", **unmigrated_env).exit_code == 0

    made = gridwork(
        "create-admin", "--username", "root_admin", "--password", "a-long-admin-passphrase", **unmigrated_env
    )

    assert made.exit_code == 0, made.output
    assert gridwork("audit", "verify", **unmigrated_env).exit_code == 0


def test_plugin_set_state_refuses_a_node_that_does_not_exist(tmp_path):
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "--no-serve"])

    refused = runner.invoke(args=["plugin", "set-state", "resident_info", "c01/s09", "disabled"])
    switched = runner.invoke(args=["plugin", "set-state", "resident_info", "c01/s01/m01", "disabled"])

    assert refused.exit_code == 1
    assert "ORG_PATH：组织节点 c01/s09 不存在" in refused.output
    assert switched.exit_code == 0, switched.output
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        paths = conn.execute(text("SELECT org_path FROM core_plugin_setting WHERE plugin = 'resident_info'")).all()
    assert sorted(path for (path,) in paths) == ["c01", "c01/s01/m01"]  # nothing stored for c01/s09
    engine_of(app).dispose()


@pytest.mark.parametrize("name", ["", "   "])
def test_token_create_refuses_an_empty_name(tmp_path, name):
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "--no-serve"])

    result = runner.invoke(args=["token", "create", "--user", "supervisor", "--name", name])

    assert result.exit_code == 1
    assert "令牌名称不能为空" in result.output and "gw_" not in result.output
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM core_api_token")).scalar_one() == 0
    engine_of(app).dispose()


def test_there_is_no_env_file_option(operator_folder):
    (operator_folder / "settings.env").write_text("GRIDWORK_SECRET_KEY=x\n")

    result = gridwork("-e", "settings.env", "plugin", "list")
    help_text = gridwork("--help").output

    assert result.exit_code == 2 and "No such option" in result.output
    assert "--env-file" not in help_text and "dotenv" not in help_text


def test_version_names_gridwork_not_flask(operator_folder):
    result = subprocess.run(
        [str(Path(sys.executable).with_name("gridwork")), "--version"], capture_output=True, text=True, timeout=60
    )

    first, second = result.stdout.splitlines()
    assert result.returncode == 0
    assert first == f"Gridwork {version('gridwork')}"
    assert second.startswith("Python ") and "Flask " in second


@pytest.mark.parametrize(
    "args",
    [["--version"], ["--help"], ["plugin", "list"], ["plugin", "new", "street_notes"]],
    ids=["version", "help", "plugin-list", "plugin-new"],
)
def test_commands_that_serve_nothing_leave_no_instance_folder(operator_folder, args):
    result = gridwork(*args)

    assert result.exit_code == 0, result.output
    assert not (operator_folder / "instance").exists()


def test_the_secret_key_is_created_when_the_first_request_needs_it_and_kept(operator_folder):
    from core.app import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{operator_folder / 'gw.sqlite'}", "TESTING": True})
    assert not (operator_folder / "instance").exists()

    app.test_client().get("/login")

    key_file = operator_folder / "instance" / "secret_key"
    assert (key_file.stat().st_mode & 0o777) == 0o600
    assert app.config["SECRET_KEY"] == key_file.read_text()
    again = create_app({"DATABASE_URL": f"sqlite:///{operator_folder / 'gw.sqlite'}", "TESTING": True})
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]  # sessions survive a restart
    assert [p.name for p in key_file.parent.iterdir()] == ["secret_key"]  # no draft left behind
    from core.db import engine_of

    engine_of(app).dispose()
    engine_of(again).dispose()


def test_create_admin_refuses_an_org_node_that_does_not_exist(tmp_path):
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])

    result = runner.invoke(
        args=["create-admin", "--username", "root_admin", "--password", "a-long-admin-passphrase", "--org", "c09"]
    )

    assert result.exit_code == 1 and "--org：组织节点 c09 不存在" in result.output
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM core_user")).scalar_one() == 0
    engine_of(app).dispose()
