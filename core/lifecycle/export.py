"""The full export written before a module retires at a node: every row of its data for the
subtree as JSON (with each table's columns and types, the plugin's version and the versions of
its form schemas stamped) and as an .xlsx workbook (a sheet per table), kept on disk under the
exports folder and recorded in ``core_lifecycle_export`` — a county admin downloads it later,
and a purge refuses to run without it."""

import hashlib
import json
from datetime import date, datetime
from pathlib import Path

from flask import current_app

from core.lifecycle.dump import subtree_rows, table_named
from core.lifecycle.models import LifecycleExport
from core.spreadsheets.write import workbook_bytes
from core.state import state_of
from core.timeutil import isoformat, utcnow


def exports_folder(app=None):
    app = app or current_app
    return Path(app.config.get("LIFECYCLE_EXPORTS_FOLDER") or Path(app.instance_path) / "lifecycle-exports")


def write_export(db, step, actor):
    """Export ``step.plugin``'s data at ``step.org_path``; returns the stored LifecycleExport."""
    plugin = state_of().host.get(step.plugin)
    declared = plugin.manifest.data.get("tables", [])
    rows = subtree_rows(db, state_of().org_bound_tables, step.plugin, declared, step.org_path)
    stamp = utcnow()
    document = {
        "plugin": step.plugin,
        "plugin_title": state_of().host.titles().get(step.plugin, step.plugin),
        "plugin_version": plugin.version or "",
        "org_path": step.org_path,
        "exported_at": isoformat(stamp),
        "forms": form_versions(plugin),
        "tables": {name: {"columns": columns_of(db, name), "rows": found} for name, found in rows.items()},
    }
    stem = f"{step.plugin}/{step.id}-{stamp:%Y%m%d%H%M%S}"
    folder = exports_folder()
    (folder / step.plugin).mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.json").write_text(json.dumps(document, ensure_ascii=False, default=_plain, indent=1))
    (folder / f"{stem}.xlsx").write_bytes(workbook_bytes(_sheets(db, rows)))
    export = LifecycleExport(
        lifecycle_id=step.id,
        plugin=step.plugin,
        org_path=step.org_path,
        plugin_version=plugin.version or "",
        json_file=f"{stem}.json",
        xlsx_file=f"{stem}.xlsx",
        counts={name: len(found) for name, found in rows.items()},
        created_at=stamp,
        created_by=actor,
    )
    db.add(export)
    db.flush()
    return export


def form_versions(plugin):
    """{schema file: its version} for the plugin's schemas: the ``version`` a schema declares,
    else the first 12 hex digits of its SHA-256 — enough to tell which form a record was typed in."""
    folder = Path(plugin.manifest.folder) / "schemas"
    versions = {}
    for path in sorted(folder.rglob("*.json")) if folder.is_dir() else ():
        content = path.read_bytes()
        try:
            declared = json.loads(content).get("version")
        except (ValueError, AttributeError):
            declared = None
        versions[str(path.relative_to(folder))] = str(declared or hashlib.sha256(content).hexdigest()[:12])
    return versions


def columns_of(db, name):
    table = table_named(db, name)
    return [{"name": col.name, "type": str(col.type), "nullable": bool(col.nullable)} for col in table.columns]


def _sheets(db, rows):
    for name, found in rows.items():
        header = [column.name for column in table_named(db, name).columns]
        yield (name[-31:], header, ([_cell(row[key]) for key in header] for row in found), range(len(header)))


def _cell(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} 字节>"
    return value


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        import base64

        return {"base64": base64.b64encode(value).decode()}
    return str(value)
