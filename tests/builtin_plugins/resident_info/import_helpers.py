"""Building import files and waiting for import jobs, for the import tests."""

import io
import time

from openpyxl import Workbook
from resident_helpers import API, make_id

IMPORTS = f"{API}/imports"
HEADERS = ["姓名", "身份证号", "联系电话", "所属网格", "楼栋", "单元", "房号", "标签", "备注"]


def person_row(number, grid="幸福一网格", **overrides):
    """One good row of the template's columns: a distinct valid ID per ``number``."""
    row = {
        "姓名": f"居民{number}",
        "身份证号": make_id(birth="19800101", sequence=f"{number % 1000:03d}", region=f"{110101 + number // 1000}"),
        "联系电话": f"138{number:08d}",
        "所属网格": grid,
        "楼栋": "1号楼",
        "单元": "1单元",
        "房号": f"{number}",
        "标签": "",
        "备注": "",
    }
    row.update(overrides)
    return row


def csv_file(rows, headers=HEADERS):
    lines = [",".join(headers)] + [",".join(str(row.get(h, "")) for h in headers) for row in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx_file(rows, headers=HEADERS, as_numbers=()):
    """An .xlsx like Excel writes it; columns in ``as_numbers`` hold numbers, not text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([int(row[h]) if h in as_numbers and row.get(h) else row.get(h, "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def start(client, content, filename="居民.csv", org_path="c1/s1/m1", mode="all_or_nothing", mapping=None):
    data = {"file": (io.BytesIO(content), filename), "org_path": org_path, "mode": mode}
    if mapping is not None:
        import json

        data["mapping"] = json.dumps(mapping, ensure_ascii=False)
    return client.post(IMPORTS, data=data, content_type="multipart/form-data")


def wait(client, job_id, timeout=60):
    """The job once it has finished (the import runs in a background thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"{IMPORTS}/{job_id}").get_json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"import {job_id} still running after {timeout} s: {job}")


def run(client, content, **kwargs):
    response = start(client, content, **kwargs)
    assert response.status_code == 202, response.get_json()
    return wait(client, response.get_json()["id"])
