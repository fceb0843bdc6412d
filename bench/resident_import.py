"""Resident import: a 100,000-row CSV through the full import path vs raw ``executemany``.

Ours: ``importing.services.create_job`` + ``importing.run.run_job`` — exactly what
``gridwork residents import`` and ``POST /api/v1/resident_info/imports`` run: read the CSV, map the columns,
convert and validate every row (``validate_resident``: JSON Schema, GB 11643 check
character, birth date/gender cross-check, phone rules, tags), look every ID up in the
county, then write residents, tag index rows, history rows and the registration events
(outbox + deliveries), and the audit entry. Floor: the same residents (values prepared
beforehand, already clean) inserted with ``sqlite3`` ``executemany`` in one transaction
into an identical, freshly migrated database file (same tables, indexes and pragmas).
Figures: rows per second of each and ours/floor (goal ≥ 0.2). Timings never assert.

    .venv/bin/python bench/resident_import.py            # options: --rows 100000 --mode all_or_nothing
"""

import argparse
import csv
import io
import json
import random
import shutil
import sqlite3
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _common import app_config, emit_json, machine_line

from core.app import create_app
from core.db import session_scope
from core.demo import seed_demo
from core.plugin_system.migrations import upgrade_all
from core.public import DataScope
from plugins.resident_info.importing import services as imports
from plugins.resident_info.importing.run import run_job
from plugins.resident_info.register.access import Access
from plugins.resident_info.register.ids import check_character

GOAL = 0.2
TARGET = "c01/s01/m01"
GRIDS = ("第1网格", "第2网格", "第3网格")
GRID_PATHS = {"第1网格": f"{TARGET}/g01", "第2网格": f"{TARGET}/g02", "第3网格": f"{TARGET}/g03"}
SURNAMES, GIVEN = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "秀英桂兰建华志强丽娟国平玉梅明军海燕红霞文静子涵浩然"
TAGS = ("独居老人", "低保", "退役军人", "残疾2级", "重点关注")
HEADERS = ("姓名", "身份证号", "联系电话", "所属网格", "楼栋", "单元", "房号", "标签")


def people(count, seed=7):
    """``count`` distinct residents: (csv row, floor row values)."""
    rng = random.Random(seed)
    start = date(1930, 1, 1)
    for number in range(count):
        birth = start + timedelta(days=number % 30000)
        first17 = f"{330100 + number // 30000 % 100:06d}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        id_number = first17 + check_character(first17)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        grid = GRIDS[number % 3]
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        tags = rng.choice(TAGS) if rng.random() < 0.1 else ""
        yield (
            name,
            id_number,
            phone,
            grid,
            f"{number % 40 + 1}号楼",
            f"{number % 3 + 1}单元",
            f"{number % 30 + 101}",
            tags,
        )


def csv_content(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def floor_values(row, now):
    name, id_number, phone, grid, building, unit, room, tags = row
    gender = "male" if int(id_number[16]) % 2 else "female"
    birth = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
    tag_json = json.dumps([{"tag": tags}] if tags else [], ensure_ascii=False)
    return (
        "c01",
        GRID_PATHS[grid],
        name,
        gender,
        birth,
        id_number,
        id_number[-4:],
        phone,
        building,
        unit,
        room,
        "registered",
        "living",
        tag_json,
        "",
        "{}",
        1,
        now,
        now,
    )


FLOOR_SQL = (
    "INSERT INTO resident_info_resident (county_path, org_path, name, gender, birth_date, id_number, "
    "id_last4, phone, building, unit, room, registration, status, tags, notes, extra, version, created_at, "
    "updated_at) VALUES (" + ", ".join("?" * 19) + ")"
)


def run_floor(db_file, rows):
    now = "2026-11-21 00:00:00.000000"
    values = [floor_values(row, now) for row in rows]  # prepared before the clock starts
    connection = sqlite3.connect(db_file)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    began = time.perf_counter()
    with connection:
        connection.executemany(FLOOR_SQL, values)
    elapsed = time.perf_counter() - began
    connection.close()
    return elapsed


def run_ours(app, content, mode):
    access = Access(
        username="bench",
        read=DataScope(("c01",)),
        write=DataScope(("c01",)),
        sensitive=DataScope(("c01",)),
        health=DataScope(("c01",)),
    )
    with app.app_context(), session_scope(app) as db:
        began = time.perf_counter()
        job = imports.create_job(
            db, access, org_path=TARGET, mode=mode, mapping={}, filename="bench.csv", content=content
        )
        db.commit()
        run_job(db, access, job.id, content)
        elapsed = time.perf_counter() - began
        job = imports.find_job(db, access.write, job.id)
        if job.status != "done" or job.imported != job.total_rows:
            raise SystemExit(f"import did not finish cleanly: {job.status} {job.message}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--mode", choices=sorted(imports.MODES), default="all_or_nothing")
    args = parser.parse_args()
    rows = list(people(args.rows))
    content = csv_content(rows)
    with tempfile.TemporaryDirectory(prefix="gw-bench-import-") as directory:
        config = {**app_config(directory), "EVENTS_EMBEDDED_DISPATCHER": False}
        app = create_app(config)
        with app.app_context():
            upgrade_all(app)
            with session_scope(app) as db:
                seed_demo(db, "bench-password-not-secret")
        db_file = config["DATABASE_URL"].removeprefix("sqlite:///")
        floor_file = str(Path(directory) / "floor.sqlite")
        shutil.copyfile(db_file, floor_file)
        floor = run_floor(floor_file, rows)
        ours = run_ours(app, content, args.mode)
    ratio = floor / ours
    print(machine_line())
    print(f"rows: {args.rows:,}  mode: {args.mode}  file: {len(content) / 1e6:.1f} MB CSV")
    print(f"floor (sqlite3 executemany, one transaction): {floor:.2f} s = {args.rows / floor:,.0f} rows/s")
    print(
        f"ours (read + map + validate + ID lookups + residents, tags, history, events, audit): "
        f"{ours:.2f} s = {args.rows / ours:,.0f} rows/s"
    )
    print(f"ratio ours/floor: {ratio:.3f}  (goal ≥ {GOAL}: {'met' if ratio >= GOAL else 'NOT met'})")
    emit_json(
        "resident_import",
        rows=args.rows,
        mode=args.mode,
        floor_s=round(floor, 3),
        ours_s=round(ours, 3),
        ratio=round(ratio, 4),
        goal=GOAL,
    )


if __name__ == "__main__":
    main()
