"""The plugin contract, checked: every hook is documented (docstring and guide) and tested,
every manifest validates and follows the one-name rule, and plugins import only
``core.public`` from the core and never each other."""

import ast
import inspect
import re
import tomllib
from pathlib import Path

import pytest

from core import hookspecs
from core.plugin_system.manifest import read_manifest
from core.plugin_system.registration import core_version

ROOT = Path(__file__).resolve().parents[2]
BUILTINS = ROOT / "plugins"
FIXTURES = Path(__file__).resolve().parent / "plugin_fixtures"
GUIDE = ROOT / "docs" / "plugins.md"


# ---------------------------------------------------------------- hooks: documented and tested


def test_the_hook_list_holds_every_hookspec():
    """The checks below iterate over HOOK_NAMES: over an empty or partial list they would pass."""
    marked = sorted(name for name, value in vars(hookspecs).items() if hasattr(value, f"{hookspecs.PROJECT}_spec"))
    assert len(marked) >= 12, marked
    assert sorted(hookspecs.HOOK_NAMES) == marked


@pytest.mark.parametrize("hook", hookspecs.HOOK_NAMES)
def test_every_hook_documents_each_parameter_and_its_return(hook):
    spec = getattr(hookspecs, hook)
    doc = inspect.getdoc(spec) or ""
    assert doc, f"{hook} has no docstring"
    assert ":return:" in doc, f"{hook}: docstring lacks :return:"
    for parameter in inspect.signature(spec).parameters.values():
        assert f":param {parameter.name}:" in doc, f"{hook}: docstring lacks :param {parameter.name}:"
        assert parameter.default is inspect.Parameter.empty, f"{hook}: {parameter.name} must not have a default"


def guide_sections_missing(guide_text):
    return [hook for hook in hookspecs.HOOK_NAMES if not re.search(rf"^### {hook}\b", guide_text, re.MULTILINE)]


def test_every_hook_has_a_section_in_the_plugin_guide():
    assert GUIDE.is_file(), "docs/plugins.md (the plugin guide) is missing"
    assert guide_sections_missing(GUIDE.read_text(encoding="utf-8")) == []


def test_the_guide_check_would_catch_a_missing_section():
    guide = "\n".join(f"### {hook}\n\ntext\n" for hook in hookspecs.HOOK_NAMES[1:])
    guide += f"\n### {hookspecs.HOOK_NAMES[0]}_extra\n"  # a longer name does not count
    assert guide_sections_missing(guide) == [hookspecs.HOOK_NAMES[0]]


def hook_tests_missing(test_root):
    files = list(Path(test_root).rglob("test_*.py"))
    assert files, f"no test files under {test_root}"
    defined = set()
    for file in files:
        defined |= set(re.findall(r"^def test_hook_(\w+)\(", file.read_text(encoding="utf-8"), re.MULTILINE))
    return [hook for hook in hookspecs.HOOK_NAMES if hook not in defined]


def test_every_hook_has_a_test_named_after_it():
    assert hook_tests_missing(ROOT / "tests") == []


def test_a_hook_test_fails_unless_the_core_calls_its_hook(pytester):
    """core.testing watches every ``test_hook_<hook>`` test: passing assertions are not enough,
    the core must have called the hook on a plugin (not only the core's own implementation)."""
    pytester.makepyfile(
        test_hooks_of_a_plugin="""
        from core import default_plugin


        def test_hook_gridwork_blueprints(app):
            assert app.blueprints  # building the app asks every plugin for its blueprints


        def test_hook_gridwork_usage_figures(app):
            assert app  # an app, but nobody asks it for usage figures


        def test_hook_gridwork_cli_commands():
            assert default_plugin.gridwork_cli_commands()  # called directly, not by the core


        def test_hook_gridwork_permissions(app):
            assert app  # only the core implements it among the installed plugins


        def test_hook_gridwork_demo_data(app):
            assert False, "a failing hook test fails for its own reason"


        def test_hook_implementations_of_other_things():
            pass  # not a hook's name: not watched
    """
    )
    # In a process of its own: pytester forgets what an in-process run imported, and table models
    # imported again by a later test's migration would be declared twice.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:playwright")
    result.assert_outcomes(passed=2, failed=4)
    never_called = "passed, but the core never called"
    result.stdout.fnmatch_lines_random(
        [
            f"*test_hook_gridwork_usage_figures {never_called} gridwork_usage_figures on a plugin*",
            f"*test_hook_gridwork_cli_commands {never_called} gridwork_cli_commands *(called on: no plugin)*",
            f"*test_hook_gridwork_permissions {never_called} gridwork_permissions *(called on: core)*",
            "*a failing hook test fails for its own reason*",
        ]
    )


def test_the_hook_test_check_would_catch_a_missing_test(tmp_path):
    names = hookspecs.HOOK_NAMES
    (tmp_path / "test_some.py").write_text("".join(f"def test_hook_{hook}(app):\n    pass\n" for hook in names[:-1]))
    assert hook_tests_missing(tmp_path) == [names[-1]]


# ---------------------------------------------------------------- manifests and the one-name rule


def builtin_plugin_folders():
    folders = sorted(file.parent for file in BUILTINS.rglob("manifest.json"))
    assert folders, f"no built-in plugins found under {BUILTINS}: the checks over them would pass vacuously"
    return folders


def test_every_manifest_validates_and_follows_the_one_name_rule():
    """Built-ins (plugins/*/manifest.json, however many there are) and this suite's fixture
    plugins (all good manifests: their faults are in code) pass the loader's own checks."""
    folders = [*builtin_plugin_folders(), *sorted(f.parent for f in FIXTURES.glob("*/manifest.json"))]
    assert len(folders) >= 15, "the fixture plugins were not found"
    for folder in folders:
        manifest = read_manifest(folder, folder.name, core_version())
        assert manifest.name == folder.name
        assert (folder / "hooks.py").is_file(), f"{folder}: no hooks.py"


def test_builtin_entry_points_and_template_folders_carry_the_plugin_name():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    entry_points = declared.get("entry-points", {}).get("gridwork.plugins", {})
    assert entry_points, "pyproject.toml declares no gridwork.plugins entry points"
    for folder in builtin_plugin_folders():
        name = folder.name
        assert folder.parent == BUILTINS, f"{folder}: a built-in plugin lives at plugins/<name>/"
        assert entry_points.get(name) == f"plugins.{name}.hooks", f"pyproject.toml: entry point for {name}"
        templates = folder / "templates"
        if templates.is_dir():
            assert sorted(p.name for p in templates.iterdir()) == [name], f"{templates}: only templates/{name}/"
    for name, module in entry_points.items():
        # The scenario builder is the one built-in outside plugins/: a top-level package.
        folder = ROOT / name if module == f"{name}.hooks" else BUILTINS / name
        assert (folder / "manifest.json").is_file(), f"entry point {name} = {module} has no plugin folder"
    assert entry_points.get("scenario_builder") == "scenario_builder.hooks"


# ---------------------------------------------------------------- the walls


OUTSIDE = "<outside the plugin>"


def import_faults(folder, prefix):
    """[(file, line, module)] for imports that break the walls in the plugins that live in
    ``folder/<name>/`` as modules ``<prefix><name>…``: from the core only ``core.public``;
    nothing from another plugin."""
    folder = Path(folder)
    siblings = {p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    faults, files = [], sorted(folder.rglob("*.py"))
    assert files, f"no Python files under {folder}: nothing to check"
    for file in files:
        relative = file.relative_to(folder)
        own = relative.parts[0] if len(relative.parts) > 1 else None
        package = (prefix + ".".join(relative.parent.parts)).rstrip(".")
        for line, module in sorted(imported_modules(file, package)):
            if not import_allowed(module, own, siblings, prefix):
                faults.append((relative.as_posix(), line, module))
    return faults


def imported_modules(file, package):
    """(line, dotted name) of everything ``file`` imports; relative imports resolved."""
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), filename=str(file))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            yield from ((node.lineno, f"{base}.{alias.name}" if base else alias.name) for alias in node.names)


def _absolute(node, package):
    if not node.level:
        return node.module
    parts = package.split(".") if package else []
    if node.level - 1 >= len(parts):
        return OUTSIDE
    base = ".".join(parts[: len(parts) - (node.level - 1)])
    return f"{base}.{node.module}" if node.module else base


def import_allowed(module, own, siblings, prefix):
    if module.startswith(OUTSIDE):
        return False
    if module == "core" or module.startswith("core."):
        return module == "core.public" or module.startswith("core.public.")
    if prefix and (module == prefix.rstrip(".") or module.startswith(prefix)):
        return module.split(".")[1:2] == [own]
    top = module.split(".")[0]
    return top not in siblings or top == own


def test_builtin_plugins_import_only_core_public_and_never_each_other():
    assert import_faults(BUILTINS, "plugins.") == []


def test_fixture_plugins_keep_to_the_same_walls():
    assert import_faults(FIXTURES, "") == []


def test_the_wall_check_would_catch_every_kind_of_forbidden_import(tmp_path):
    alpha, beta = tmp_path / "plugins" / "alpha", tmp_path / "plugins" / "beta"
    for folder in (alpha, beta):
        folder.mkdir(parents=True)
        (folder / "__init__.py").write_text("")
    (alpha / "hooks.py").write_text(
        "import json\n"
        "from core.public import hookimpl\n"
        "from core import public\n"
        "from . import views\n"
        "from plugins.alpha.views import page\n"
        "import core.db\n"  # line 6
        "from core.permissions.access import can\n"  # line 7
        "from core import db\n"  # line 8
        "import plugins.beta.hooks\n"  # line 9
        "from plugins import beta\n"  # line 10
        "from ..beta import hooks\n"  # line 11
        "import beta\n"  # line 12
        "from ... import anything\n"  # line 13
        "def later():\n    import core\n"  # line 15
    )
    faults = import_faults(tmp_path / "plugins", "plugins.")
    assert [(line, module) for _file, line, module in faults] == [
        (6, "core.db"),
        (7, "core.permissions.access.can"),
        (8, "core.db"),
        (9, "plugins.beta.hooks"),
        (10, "plugins.beta"),
        (11, "plugins.beta.hooks"),
        (12, "beta"),
        (13, f"{OUTSIDE}.anything"),
        (15, "core"),
    ]
    assert {file for file, _line, _module in faults} == {"alpha/hooks.py"}


def hook_functions(folder):
    """(file, function node) of every ``gridwork_*`` function under ``folder``."""
    for file in sorted(Path(folder).rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("gridwork_"):
                yield file, node


def hookimpls_with_defaults(folder):
    """Hook implementations that give a parameter a default (pluggy 1.6 and 1.7 disagree on them)."""
    return [
        f"{file.relative_to(folder)}:{node.name}"
        for file, node in hook_functions(folder)
        if node.args.defaults or any(d is not None for d in node.args.kw_defaults)
    ]


def test_hook_implementations_never_give_parameters_defaults(tmp_path):
    for folder in (BUILTINS, FIXTURES):
        assert len(list(hook_functions(folder))) >= 5, f"hardly any hook implementations found under {folder}"
    assert hookimpls_with_defaults(BUILTINS) == [] and hookimpls_with_defaults(FIXTURES) == []
    (tmp_path / "hooks.py").write_text("def gridwork_usage_figures(org_path='c1'):\n    return {}\n")
    assert hookimpls_with_defaults(tmp_path) == ["hooks.py:gridwork_usage_figures"]
