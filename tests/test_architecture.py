"""The walls of the house, checked by import-linter over the real import graph: core never
imports plugins or scenario_builder; plugins never import each other and reach the core only
through core.public; core's packages form layers without cycles. And the facade is documented:
every name core.public exports has a row in the plugin guide."""

import shutil
import subprocess
import sys
from pathlib import Path

import core.public

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    for package in ("core", "plugins", "scenario_builder"):  # a contract over an empty package proves nothing
        assert list((ROOT / package).rglob("*.py")), f"{package}/ has no modules"
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--config", str(ROOT / ".importlinter")], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken" in result.stdout


def lint_a_copy_with(tmp_path, relative_file, source):
    """Run the contracts over a copy of the tree with one extra module in it."""
    for package in ("core", "plugins", "scenario_builder"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / relative_file).write_text(source)
    linter = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(linter), "--config", str(ROOT / ".importlinter")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(tmp_path)},
    )


def test_the_contract_would_catch_a_forbidden_import(tmp_path):
    """Prove the check can fail: a copy of core that imports plugins breaks the contract."""
    result = lint_a_copy_with(tmp_path, "core/tree/sneaky.py", "import plugins\n")
    assert result.returncode != 0
    assert "core.tree.sneaky -> plugins" in result.stdout


def test_the_layers_would_catch_an_upward_import(tmp_path):
    """The bottom layer (the tree) importing the permission layer is a cycle in the making."""
    result = lint_a_copy_with(tmp_path, "core/tree/upward.py", "import core.permissions.access\n")
    assert result.returncode != 0
    assert "core.tree is not allowed to import core.permissions" in result.stdout


def test_a_plugin_reaching_past_the_facade_is_caught(tmp_path):
    result = lint_a_copy_with(tmp_path, "plugins/resident_info/sneaky.py", "import core.db\n")
    assert result.returncode != 0
    assert "plugins.resident_info.sneaky -> core.db" in result.stdout


def test_every_public_name_has_a_row_in_the_plugin_guide():
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert core.public.__all__, "core.public exports nothing?"
    missing = [name for name in core.public.__all__ if f"| `{name}` |" not in guide]
    assert not missing, f"docs/plugins.md has no reference row for: {missing}"


def test_every_public_name_is_exported():
    assert sorted(core.public.__all__) == sorted(
        name
        for name in vars(core.public)
        if not name.startswith("__") and name not in {"annotations"} and not _is_module(name)
    )


def _is_module(name):
    return type(getattr(core.public, name)).__name__ == "module"
