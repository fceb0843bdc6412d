"""The walls of the house: core never imports plugins or scenario_builder; plugins never
import each other (checked by import-linter over the real import graph)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    for package in ("core", "plugins", "scenario_builder"):  # a contract over an empty package proves nothing
        assert list((ROOT / package).rglob("*.py")), f"{package}/ has no modules"
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter), "--config", str(ROOT / ".importlinter")], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken" in result.stdout


def test_the_contract_would_catch_a_forbidden_import(tmp_path):
    """Prove the check can fail: a copy of core that imports plugins breaks the contract."""
    import shutil

    for package in ("core", "plugins", "scenario_builder"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "core" / "sneaky.py").write_text("import plugins\n")
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter), "--config", str(ROOT / ".importlinter")], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300, env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode != 0
    assert "core.sneaky -> plugins" in result.stdout
