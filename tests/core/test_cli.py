"""The ``gridwork`` command: migrations, first admin, tokens, audit verify, demo data."""
from sqlalchemy import text

from core.app import create_app


def make_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path / "instance")})


def test_db_upgrade_creates_the_schema_on_an_empty_database(tmp_path):
    app = make_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "最新" in result.output
    from core.db import engine_of

    from alembic.script import ScriptDirectory

    from core.migrate import alembic_config

    from core.plugin_system.migrations import plugin_migration_folders

    folders = plugin_migration_folders(app.extensions["gridwork.plugins"])
    heads = set(ScriptDirectory.from_config(alembic_config(app.config["DATABASE_URL"], folders)).get_heads())
    with engine_of(app).connect() as conn:
        assert {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))} == heads
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
    assert gw.get("/api/v1/me").get_json()["grants"] == [{"package": "grid_feedback_worker", "org_path": "c01/s01/m01/g01"}]
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
