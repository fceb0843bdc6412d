"""``gridwork plugin new``: a developer scaffolds a plugin package, pip-installs it, and it
loads, switches on per org node, serves its page and passes its own tests.

The slow test installs into a private ``--target`` folder and runs Gridwork in
subprocesses with ``PYTHONPATH`` pointing there, so the entry point is real (read by
importlib.metadata) and this virtualenv is never touched.
"""

import importlib.util
import os
import re
import subprocess
import sys
import uuid
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.version import Version

from core.plugin_system.manifest import read_manifest
from core.plugin_system.registration import core_version
from core.plugin_system.scaffold import ScaffoldError, create_plugin
from core.state import state_of
from core.testing import TEST_DB_ENV

EXPECTED_FILES = {
    "pyproject.toml",
    "README.md",
    "tests/test_street_notes.py",
    "street_notes/__init__.py",
    "street_notes/manifest.json",
    "street_notes/hooks.py",
    "street_notes/permissions.py",
    "street_notes/models.py",
    "street_notes/records/__init__.py",
    "street_notes/records/services.py",
    "street_notes/web/__init__.py",
    "street_notes/web/pages.py",
    "street_notes/web/api.py",
    "street_notes/web/blocks.py",
    "street_notes/schemas/form.json",
    "street_notes/schemas/record_added.json",
    "street_notes/schemas/latest_block.json",
    "street_notes/templates/street_notes/index.html",
    "street_notes/templates/street_notes/latest_block.html",
    "street_notes/migrations/street_notes_0001_initial.py",
}


# ---------------------------------------------------------------- refusing what cannot work


@pytest.mark.parametrize("name", ["Notes", "n", "1notes", "street-notes", "street notes", "x" * 41, ""])
def test_a_name_outside_the_naming_rule_is_refused_and_nothing_is_written(tmp_path, name):
    with pytest.raises(ScaffoldError, match="不符合规则"):
        create_plugin(name, tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["core", "plugins", "scenario_builder", "flask", "sqlalchemy", "json", "tests"])
def test_a_name_that_would_shadow_an_importable_module_is_refused(tmp_path, name):
    with pytest.raises(ScaffoldError, match="重名"):
        create_plugin(name, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_name_of_an_installed_plugin_is_refused(tmp_path):
    with pytest.raises(ScaffoldError, match="与已安装的功能模块重名"):
        create_plugin("resident_info", tmp_path)  # built in, though not importable as `resident_info`
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["users", "audit", "db", "worker", "tokens"])
def test_a_name_the_core_uses_for_pages_api_or_commands_is_refused(tmp_path, name):
    with pytest.raises(ScaffoldError, match="核心的网址或命令重名"):
        create_plugin(name, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_core_names_list_covers_every_core_page_api_and_command(app):
    """CORE_NAMES is written out so ``plugin new`` needs no app; this keeps it honest."""
    from core.plugin_system.scaffold import CORE_NAMES, NAME_PATTERN, RESERVED

    host = state_of(app).host
    plugin_names = {name for name in host.plugins if name != "core"}
    claimed = {
        command
        for plugin in host.loaded()
        if plugin.manifest
        for command in plugin.manifest.data.get("cli_commands", [])
    }
    segments = {rule.rule.split("/")[1] for rule in app.url_map.iter_rules()}
    segments |= {rule.rule.split("/")[3] for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    used = (segments | set(app.cli.commands)) - plugin_names - claimed
    assert {name for name in used if NAME_PATTERN.fullmatch(name)} <= CORE_NAMES | RESERVED


def test_the_scaffolded_permissions_can_be_granted_down_the_admin_chain(tmp_path):
    """No default-package trap in the example every plugin author starts from."""
    from core.plugin_system.default_packages import ungrantable_defaults

    folder, _written = create_plugin("street_notes", tmp_path)
    manifest = read_manifest(folder / "street_notes", "street_notes", core_version())

    assert ungrantable_defaults("street_notes", manifest.data) == []


def test_a_non_empty_target_folder_is_refused_and_left_as_it_was(tmp_path):
    (tmp_path / "street_notes").mkdir()
    (tmp_path / "street_notes" / "mine.txt").write_text("我的文件")

    with pytest.raises(ScaffoldError, match="已存在且不为空"):
        create_plugin("street_notes", tmp_path)

    assert [p.name for p in (tmp_path / "street_notes").iterdir()] == ["mine.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["street_notes"]  # no staging folder left behind


def test_an_existing_empty_folder_is_filled(tmp_path):
    (tmp_path / "street_notes").mkdir()

    folder, written = create_plugin("street_notes", tmp_path)

    assert folder == tmp_path / "street_notes"
    assert set(written) == EXPECTED_FILES


# ---------------------------------------------------------------- the command


def test_gridwork_plugin_new_writes_a_package_the_core_would_accept(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["plugin", "new", "street_notes", "--dir", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert "已创建功能模块 street_notes" in result.output
    root = tmp_path / "street_notes"
    assert {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} == EXPECTED_FILES
    manifest = read_manifest(root / "street_notes", "street_notes", core_version())  # schema + one-name rule
    assert manifest.permission_names() == ["street_notes.read", "street_notes.write"]
    assert [name for name, _schema in manifest.emitted_events()] == ["street_notes.record_added"]
    assert (manifest.migrations_folder() / "street_notes_0001_initial.py").is_file()
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert 'name = "gridwork-street_notes"' in pyproject
    assert 'street_notes = "street_notes.hooks"' in pyproject
    for path in root.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert "@@" not in text and "plugin_name" not in text, path
            if path.suffix == ".py":
                compile(text, str(path), "exec")


def test_gridwork_plugin_new_explains_a_refusal(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["plugin", "new", "Street-Notes", "--dir", str(tmp_path)])

    assert result.exit_code != 0
    assert "不符合规则" in result.output
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- install, load, use, test


SCENARIO = '''
"""Runs against the database `gridwork db upgrade` migrated, with the plugin pip-installed."""
import os

import pytest

PLUGIN = os.environ["SCAFFOLD_PLUGIN"]


@pytest.fixture
def database_url():
    return os.environ["SCAFFOLD_DATABASE_URL"]


def test_the_installed_plugin_loads_and_is_switched_on_for_one_community_only(client, login_as, org_tree):
    login_as("county_admin", "c1")
    listed = {item["name"]: item for item in client.get("/api/v1/plugins").get_json()["items"]}
    assert listed[PLUGIN]["load_state"] == "loaded", listed[PLUGIN]["error"]
    assert listed[PLUGIN]["source"] == "package"
    assert listed[PLUGIN]["distribution"] == "gridwork-" + PLUGIN
    assert client.put(f"/api/v1/plugins/{PLUGIN}/nodes/m1", json={"state": "enabled"}).status_code == 200
    assert client.get(f"/api/v1/plugins/{PLUGIN}/nodes/m12").get_json()["state"] == "disabled"
    client.logout()

    login_as("community_admin", org_tree["m1"])
    added = client.post(f"/api/v1/{PLUGIN}/records", json={"title": "井盖已更换", "org_path": "c1/s1/m1"})
    assert added.status_code == 201
    page = client.get(f"/{PLUGIN}/")
    assert page.status_code == 200 and "井盖已更换" in page.get_data(as_text=True)
    client.logout()

    login_as("community_admin", org_tree["m12"])
    assert client.get(f"/{PLUGIN}/").status_code == 404
'''


@pytest.mark.slow
def test_a_scaffolded_plugin_installs_with_pip_loads_and_passes_its_own_tests(tmp_path):
    name = "street_notes"
    folder, _written = create_plugin(name, tmp_path / "src")
    site = tmp_path / "site"
    _pip_install(folder, site)
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"}

    with _EmptyDatabase(tmp_path) as url:
        upgraded = _run(
            [str(Path(sys.executable).with_name("gridwork")), "db", "upgrade"],
            tmp_path,
            {**env, "GRIDWORK_DATABASE_URL": url, "GRIDWORK_INSTANCE_PATH": str(tmp_path / "instance")},
        )
        assert f"{name}_record" in _table_names(url), upgraded
        scenario = tmp_path / "scenario"
        scenario.mkdir()
        (scenario / "test_installed_plugin.py").write_text(SCENARIO, encoding="utf-8")
        used = _run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(scenario), str(scenario)],
            tmp_path,
            {**env, "SCAFFOLD_PLUGIN": name, "SCAFFOLD_DATABASE_URL": url},
        )
        assert "1 passed" in used, used

    own_tests = _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder / "tests")], tmp_path, env
    )
    assert re.search(r"\b[1-9]\d* passed", own_tests) and "failed" not in own_tests, own_tests
    assert not re.search(r"\b\d+ errors?\b", own_tests), own_tests  # a test that errored did not pass either


def _pip_install(folder, site):
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--disable-pip-version-check",
        "--target",
        str(site),
        str(folder),
    ]
    if _can_build_wheels_offline():
        command.insert(4, "--no-build-isolation")
    _run(command, folder.parent, dict(os.environ))


def _can_build_wheels_offline():
    """setuptools builds wheels by itself from 70.1 on, before that only with the ``wheel``
    package. A venv made by ``python -m venv`` on 3.11 has setuptools 65.5 and no wheel:
    then pip fetches the build requirements from the package index instead."""
    try:
        setuptools_version = Version(version("setuptools"))
    except PackageNotFoundError:
        return False
    return setuptools_version >= Version("70.1") or importlib.util.find_spec("wheel") is not None


def _run(command, cwd, env):
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)}\n{output}"
    return output


class _EmptyDatabase:
    """An empty database: a new SQLite file, or a new PostgreSQL database on the test server."""

    def __init__(self, tmp_path):
        self.server = os.environ.get(TEST_DB_ENV, "").strip()
        self.sqlite_path = tmp_path / "fresh.sqlite"
        self.name = f"gw_scaffold_{uuid.uuid4().hex[:12]}"

    def __enter__(self):
        if not self.server:
            return f"sqlite:///{self.sqlite_path}"
        self._execute(f'CREATE DATABASE "{self.name}"')
        from sqlalchemy.engine import make_url

        return make_url(self.server).set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *_exc):
        if self.server:
            self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _execute(self, sql):
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        admin = create_engine(self.server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            with admin.connect() as conn:
                conn.execute(text(sql))
        finally:
            admin.dispose()


def _table_names(url):
    from sqlalchemy import inspect

    from core.db import make_engine

    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
