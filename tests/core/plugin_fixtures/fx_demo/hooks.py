"""Demo data: one audit entry in the demo's transaction and one file in the instance
folder; it records each call, and raises (after writing) while ``FAIL`` is set."""

from pathlib import Path

from core.public import hookimpl, record_audit

CALLS = []
FAIL = []


@hookimpl
def gridwork_demo_data(session, county_path, org_nodes, folder):
    CALLS.append(
        {
            "county_path": county_path,
            "root": org_nodes[0],
            "folder": folder,
            "grids": [node["path"] for node in org_nodes if node["kind"] == "grid"],
        }
    )
    record_audit(session, "fx_demo.sample_seeded", actor="demo", target="fx_demo:sample", org_path=county_path)
    if FAIL:
        raise RuntimeError("示例数据坏了")
    path = Path(folder) / "fx-demo.txt"
    path.write_text("示例", encoding="utf-8")
    return {"summary": "示例记录 1 条", "files": [str(path)]}
