"""A plugin's manifest.json: read and validated before any of its code is imported; the default
role-package permissions it asks for are read in
default_packages.py."""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from core.api.validation import compiled, describe
from core.tree.bound import OrgBoundTable

SCHEMA_PATH = Path(__file__).with_name("manifest.schema.json")


class ManifestError(Exception):
    """A manifest that stops its plugin from loading."""

    def __init__(self, file, pointer, reason):
        super().__init__(f"{file}：{pointer} {reason}" if pointer else f"{file}：{reason}")
        self.file, self.pointer, self.reason = str(file), pointer, reason


@dataclass(frozen=True)
class Manifest:
    data: dict
    folder: Path

    @property
    def name(self):
        return self.data["name"]

    def permission_names(self):
        return [f"{self.name}.{p['name']}" for p in self.data.get("permissions", [])]

    def emitted_events(self):
        """[(event name, payload schema)] with schema files already read."""
        return [
            (f"{self.name}.{e['name']}", self.data["_schemas"][f"events/{e['name']}"])
            for e in self.data.get("events", {}).get("emits", [])
        ]

    def org_bound_tables(self):
        """The manifest's ``tables`` that carry an org path, as ``OrgBoundTable``s."""
        title = self.data.get("title", {}).get("zh", self.data["name"])
        return tuple(
            OrgBoundTable(
                plugin=self.data["name"],
                plugin_title=title,
                name=entry["name"],
                path_column=entry["org_path_column"],
                county_column=entry.get("county_path_column"),
                description=entry.get("description", ""),
                personal_data=bool(entry.get("personal_data")),
            )
            for entry in self.data.get("tables", [])
            if entry.get("org_path_column")
        )

    def audit_actions(self):
        """[(full action name, Chinese title, sensitive)] the audit page reads."""
        return [
            (f"{self.name}.{a['name']}", a["title"]["zh"], bool(a.get("sensitive")))
            for a in self.data.get("audit_actions", [])
        ]

    def block_entries(self):
        """{block name: its manifest entry, with each action's ``input_schema`` loaded}."""
        schemas = self.data["_schemas"]
        return {
            b["name"]: {
                **b,
                "settings_schema": schemas[f"blocks/{b['name']}"],
                "actions": [
                    {**action, "input_schema": schemas[f"blocks/{b['name']}/actions/{action['name']}"]}
                    for action in b.get("actions", [])
                ],
            }
            for b in self.data.get("blocks", [])
        }

    def block_schemas(self):
        return {b["name"]: self.data["_schemas"][f"blocks/{b['name']}"] for b in self.data.get("blocks", [])}

    def migrations_folder(self):
        folder = self.data.get("migrations")
        return self.folder / folder if folder else None


@lru_cache(maxsize=1)
def manifest_schema():
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def read_manifest(folder, expected_name, core_version):
    """The validated manifest in ``folder``; raises ManifestError naming file and pointer."""
    file = Path(folder) / "manifest.json"
    data = _parse(file)
    errors = sorted(compiled(manifest_schema()).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = describe(errors[0])
        raise ManifestError(file, first["pointer"], first["detail"])
    _check_one_name(file, data, expected_name, Path(folder).name)
    _check_core_version(file, data["core"], core_version)
    _check_unique_names(file, data)
    data["_schemas"] = _load_schemas(file, data)
    return Manifest(data=data, folder=Path(folder))


def _parse(file):
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(file, "", "找不到 manifest.json")
    except json.JSONDecodeError as error:
        raise ManifestError(file, "", f"不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列：{error.msg}）")


def _check_one_name(file, data, expected_name, folder_name):
    """One name everywhere: folder = manifest name = entry-point name (= table/event prefix)."""
    name = data["name"]
    if expected_name and name != expected_name:
        raise ManifestError(file, "/name", f"名称 {name} 与入口点名称 {expected_name} 不一致")
    if folder_name != name:
        raise ManifestError(file, "/name", f"名称 {name} 与所在文件夹 {folder_name} 不一致")
    for index, table in enumerate(data.get("tables", [])):
        if not table["name"].startswith(name + "_"):
            raise ManifestError(file, f"/tables/{index}/name", f"表名必须以 {name}_ 开头")


def _check_core_version(file, specifier, core_version):
    try:
        accepted = SpecifierSet(specifier)
    except InvalidSpecifier:
        raise ManifestError(file, "/core", f"版本范围写法不正确：{specifier}")
    if core_version not in accepted:
        raise ManifestError(file, "/core", f"需要核心版本 {specifier}，当前为 {core_version}")


def _check_unique_names(file, data):
    for section, items in (
        ("permissions", data.get("permissions", [])),
        ("events/emits", data.get("events", {}).get("emits", [])),
        ("blocks", data.get("blocks", [])),
        ("audit_actions", data.get("audit_actions", [])),
    ):
        seen = set()
        for index, item in enumerate(items):
            if item["name"] in seen:
                raise ManifestError(file, f"/{section}/{index}/name", f"名称重复：{item['name']}")
            seen.add(item["name"])


def _load_schemas(file, data):
    """Inline schemas stay; file references are read (relative to the plugin folder)."""
    schemas = {}
    for index, event in enumerate(data.get("events", {}).get("emits", [])):
        schemas[f"events/{event['name']}"] = _schema(file, event["schema"], f"/events/emits/{index}/schema")
    for index, block in enumerate(data.get("blocks", [])):
        schemas[f"blocks/{block['name']}"] = _schema(file, block["settings_schema"], f"/blocks/{index}/settings_schema")
        for number, action in enumerate(block.get("actions", [])):
            pointer = f"/blocks/{index}/actions/{number}/input_schema"
            schemas[f"blocks/{block['name']}/actions/{action['name']}"] = _schema(file, action["input_schema"], pointer)
    if "settings_schema" in data:
        schemas["settings"] = _schema(file, data["settings_schema"], "/settings_schema")
    return schemas


def _schema(file, value, pointer):
    if isinstance(value, str):
        path = file.parent / value
        if ".." in Path(value).parts or not path.is_file():
            raise ManifestError(file, pointer, f"找不到模式文件 {value}")
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ManifestError(path, "", f"不是有效的 JSON（第 {error.lineno} 行：{error.msg}）")
    try:
        Draft202012Validator.check_schema(value)
    except SchemaError as error:
        raise ManifestError(file, pointer, f"不是有效的 JSON Schema：{error.message}")
    return value
