"""``gridwork plugin new NAME``: write a third-party plugin package that installs with pip,
loads, and passes its own tests as generated.

One name everywhere: NAME is the folder, the manifest name, the entry point, the blueprint,
the template folder, the table prefix and the permission and event prefix, so the package
obeys from the start the rules the plugin host checks at load time.

The files come from ``scaffold_template/``: every path segment ``plugin_name`` becomes NAME,
every ``@@name@@`` in a file becomes NAME, and the ``.tmpl`` suffix is dropped (so the
templates are never imported, collected or linted as part of the core).
"""

import importlib.util
import os
import re
import shutil
import sys
import tempfile
from importlib.metadata import entry_points
from pathlib import Path

from core.plugin_system.host import ENTRY_POINT_GROUP

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
TEMPLATE_ROOT = Path(__file__).with_name("scaffold_template")
TEMPLATE_SUFFIX = ".tmpl"
PATH_PLACEHOLDER = "plugin_name"
TEXT_PLACEHOLDER = "@@name@@"
# The house's own top-level names, refused even where nothing by that name is importable.
# "scenarios": the scenario builder serves /scenarios and /api/v1/scenarios, not its own name.
RESERVED = frozenset({"core", "plugins", "scenario_builder", "scenarios", "gridwork", "tests", "test"})
# Names the core already uses where a plugin's one name would go: page prefixes (/<name>),
# API prefixes (/api/v1/<name>) and `gridwork <name>` commands. tests/core/test_cli.py
# checks the list against a real app, so a new core page or command cannot be missed.
CORE_NAMES = frozenset(
    {
        "account",
        "api",
        "audit",
        "events",
        "grants",
        "healthz",
        "login",
        "logout",
        "orgs",
        "packages",
        "static",
        "users",
        "auth",
        "me",
        "permissions",
        "tokens",
        "db",
        "demo",
        "token",
        "worker",
        "plugin",
        "jobs",
        "inbox",
        "alerts",
        "attachments",
        "modules",  # /api/v1/modules (usage figures)
        "usage",  # /usage pages
    }
)


class ScaffoldError(ValueError):
    """The plugin cannot be created as asked; the message (Chinese) says why."""


def check_name(name):
    """Raise ScaffoldError unless ``name`` can be a plugin's one name."""
    if not NAME_PATTERN.fullmatch(name or ""):
        raise ScaffoldError(
            f"模块名称“{name}”不符合规则：须以小写字母开头，只含小写字母、数字和下划线，"
            "共 2–40 个字符（如 resident_info）。"
        )
    # The installed-plugin check comes first: it is the more specific reason, and it must not
    # depend on whether a folder of that name happens to be importable from sys.path.
    if name in _installed_plugin_names():
        raise ScaffoldError(
            f"模块名称“{name}”与已安装的功能模块重名（含内置模块），两者同时安装时只有一个能加载，请换一个名称。"
        )
    if name in RESERVED or name in sys.stdlib_module_names or _importable(name):
        raise ScaffoldError(f"模块名称“{name}”与已有的 Python 模块重名，安装后会互相遮蔽，请换一个名称。")
    if name in CORE_NAMES:
        raise ScaffoldError(f"模块名称“{name}”与 Gridwork 核心的网址或命令重名，请换一个名称。")


def create_plugin(name, parent_dir="."):
    """Write the package into ``parent_dir/name``; returns (folder, [relative file paths]).

    The files are written to a temporary folder beside the target and moved into place at
    the end, so a failure never leaves half a plugin behind.
    """
    check_name(name)
    target = Path(parent_dir).resolve() / name
    _refuse_occupied(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=target.parent))
    try:
        written = [_write(template, staging, name) for template in _templates()]
        if target.exists():
            target.rmdir()  # empty (checked above); a directory cannot be renamed onto it
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target, written


def _importable(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a broken module of that name still clashes
        return True


def _installed_plugin_names():
    """Names in the plugin entry-point group, built-ins included: a built-in such as
    resident_info lives in ``plugins.resident_info``, so it is not importable by its name."""
    return {entry.name for entry in entry_points(group=ENTRY_POINT_GROUP)}


def _refuse_occupied(target):
    if target.is_file() or (target.is_dir() and any(target.iterdir())):
        raise ScaffoldError(f"目标目录 {target} 已存在且不为空，未写入任何文件。")


def _templates():
    return sorted(path for path in TEMPLATE_ROOT.rglob(f"*{TEMPLATE_SUFFIX}") if "__pycache__" not in path.parts)


def _write(template, root, name):
    relative = template.relative_to(TEMPLATE_ROOT).as_posix().replace(PATH_PLACEHOLDER, name)
    relative = relative.removesuffix(TEMPLATE_SUFFIX)
    destination = root / relative
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(template.read_text(encoding="utf-8").replace(TEXT_PLACEHOLDER, name), encoding="utf-8")
    return relative
