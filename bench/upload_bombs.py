"""Upload bombs: what reading each costs with the core's bounds vs without them.

Each bomb is read in a fresh process, so its peak memory (ru_maxrss) is its own:
  guarded — ``core.spreadsheets.read_spreadsheet(headers_only=True)``, what a preview does now;
  bare    — openpyxl as before the bounds: open read-only, read the header row.
The third file is no bomb but a real register: its header must come back in the request.
Prints seconds and peak RSS per bomb. ``--scale`` shrinks or grows the bombs (1 = the sizes
below; the outside probe used a 1 GB shared-strings part and 150,000 × 300 cells).

    .venv/bin/python bench/upload_bombs.py [--scale 1]
"""

import argparse
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from openpyxl import Workbook

READERS = {
    "guarded": "from core.spreadsheets.read import read_spreadsheet\n"
    "try:\n    read_spreadsheet('bomb.xlsx', data, headers_only=True)\nexcept Exception as e:\n"
    "    outcome = type(e).__name__ + ': ' + str(e)[:60]\n",
    "bare": "from openpyxl import load_workbook\nbook = load_workbook(io.BytesIO(data), read_only=True)\n"
    "next(book.worksheets[0].iter_rows(values_only=True))\n",
}
RUNNER = """import io, resource, sys, time
data = open(sys.argv[1], 'rb').read()
outcome = 'read'
start = time.perf_counter()
{reader}
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, outcome, sep='|')
"""


def workbook_bytes(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def shared_strings_bomb(megabytes):
    source = workbook_bytes([["姓名"], ["王秀英"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            if entry.filename != "xl/sharedStrings.xml":
                new.writestr(entry, old.read(entry.filename))
        with new.open("xl/sharedStrings.xml", "w") as stream:
            stream.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            chunk = b"<si><t>" + b"A" * 1000 + b"</t></si>"
            for _ in range(megabytes * 1000):
                stream.write(chunk)
            stream.write(b"</sst>")
    return out.getvalue()


def wide_sheet_bomb(rows, columns):
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    row = [1] * columns
    for _ in range(rows):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def real_register(rows):
    """Not a bomb: a county's register as people save it (shared strings), whose preview must
    still answer in the request — the header without loading the workbook."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["姓名", "身份证号", "联系电话", "所属网格", "楼栋", "单元", "房号", "标签", "备注"])
    for n in range(rows):
        sheet.append(
            [f"居民{n}", f"110105198001{n % 1000000:06d}", f"138{n:08d}", "第1网格", "1号楼", "1单元", str(n), "", ""]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def measure(path, reader):
    script = RUNNER.format(reader=READERS[reader])
    result = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=900)
    if result.returncode:
        return {"error": result.stderr.strip().splitlines()[-1][:100]}
    seconds, rss, outcome = result.stdout.strip().split("|", 2)
    return {"seconds": round(float(seconds), 2), "peak_rss_mib": int(rss), "outcome": outcome}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    scale = parser.parse_args().scale
    bombs = {
        f"shared strings, {int(300 * scale)} MB unzipped": shared_strings_bomb(int(300 * scale)),
        f"sheet of {int(20_000 * scale)} × 300 cells": wide_sheet_bomb(int(20_000 * scale), 300),
        f"real register, {int(150_000 * scale)} rows × 9 columns": real_register(int(150_000 * scale)),
    }
    with tempfile.TemporaryDirectory() as folder:
        for name, content in bombs.items():
            path = Path(folder) / "bomb.xlsx"
            path.write_bytes(content)
            figures = {reader: measure(path, reader) for reader in READERS}
            print(json.dumps({"bomb": name, "file_mib": round(len(content) / 2**20, 2), **figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
