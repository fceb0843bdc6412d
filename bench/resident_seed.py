"""A 1,000,000-resident county for ``resident_list.py``, seeded fast and cached between runs.

The tables come from the real migrations (``upgrade_all``: core and resident_info); the
accounts and the plugin switch go through the app's own functions; the million residents
and their tag rows are written with raw ``executemany`` (SQLite) or ``COPY`` (PostgreSQL)
— about a minute instead of hours through the register. The seeded database is kept and
reused while its key (``SEED_VERSION`` and the text of every migration) is unchanged.
"""

import hashlib
import json
import random
from datetime import date, timedelta
from pathlib import Path

from _common import REPO_ROOT

from core.state import state_of

SEED_VERSION = "1"  # bump when the generated data changes
STREETS, COMMUNITIES_PER_STREET, GRIDS_PER_COMMUNITY = 10, 10, 10
RESIDENTS_PER_GRID = 1000  # 1,000 grids: 1,000,000 residents, 10,000 per community
COUNTY = "c01"
COMMUNITY = "c01/s05/m045"  # the community admin's community, the list that is measured
ADMIN = "bench_community_admin"
TODAY = date(2026, 11, 21)
# Surnames with their share in percent (roughly the 2020 census order); 王 ≈ 7 %.
SURNAMES = dict(
    zip(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈",
        (
            7.1,
            7.0,
            6.8,
            5.4,
            4.6,
            3.1,
            2.5,
            2.3,
            2.0,
            1.9,
            1.3,
            1.3,
            1.2,
            1.1,
            1.1,
            1.0,
            0.9,
            0.9,
            0.9,
            0.8,
            0.8,
            0.7,
            0.6,
            0.6,
            0.6,
            0.5,
            0.5,
            0.5,
            0.5,
            0.5,
            0.5,
            0.5,
            0.4,
            0.4,
            0.4,
            0.4,
            0.4,
            0.4,
            0.4,
            0.4,
            0.3,
            0.3,
            0.3,
            0.3,
            0.3,
            0.3,
            0.3,
            0.3,
            0.3,
            0.3,
        ),
    )
)
RARE_SURNAMES = "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "秀英华明丽伟芳军敏静强磊洋勇艳杰娟涛超霞平刚桂兰玉萍红建国志文海亮燕辉鹏飞林波宇浩然晨欣怡雪梅凤云春"
REGIONS = ("110105", "310104", "330106", "440305", "510107", "420106", "320102", "370102")
RESIDENT_COLUMNS = (
    "id",
    "county_path",
    "org_path",
    "name",
    "gender",
    "birth_date",
    "id_number",
    "id_last4",
    "phone",
    "building",
    "unit",
    "room",
    "household_id",
    "relation_to_head",
    "registration",
    "status",
    "status_date",
    "tags",
    "notes",
    "extra",
    "merged_into_id",
    "version",
    "created_at",
    "updated_at",
)
TAG_COLUMNS = ("resident_id", "tag", "level", "sensitive")


def seed_key():
    """Changes whenever the seed or any migration (core or resident_info) changes."""
    digest = hashlib.sha256(SEED_VERSION.encode())
    folders = (REPO_ROOT / "core" / "migrations" / "versions", REPO_ROOT / "plugins" / "resident_info" / "migrations")
    for path in sorted(p for folder in folders for p in folder.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def grid_paths():
    for street in range(1, STREETS + 1):
        for c in range(1, COMMUNITIES_PER_STREET + 1):
            community = (street - 1) * COMMUNITIES_PER_STREET + c
            for g in range(1, GRIDS_PER_COMMUNITY + 1):
                grid = (community - 1) * GRIDS_PER_COMMUNITY + g
                yield f"{COUNTY}/s{street:02d}/m{community:03d}/g{grid:04d}"


def org_rows():
    """core_org_node rows: the county, 10 streets, 100 communities, 1,000 grids."""
    from core.timeutil import utcnow

    now, seen, rows = (
        utcnow(),
        set(),
        [dict(id=COUNTY, parent_id=None, kind="county", name="百万人口县", path=COUNTY, depth=0)],
    )
    for grid_path in grid_paths():
        parts = grid_path.split("/")
        for depth, kind in ((1, "street"), (2, "community"), (3, "grid")):
            if parts[depth] not in seen:
                seen.add(parts[depth])
                rows.append(
                    dict(
                        id=parts[depth],
                        parent_id=parts[depth - 1],
                        kind=kind,
                        name=f"{kind} {parts[depth]}",
                        path="/".join(parts[: depth + 1]),
                        depth=depth,
                    )
                )
    return [{**row, "created_at": now} for row in rows]


# --- the residents -----------------------------------------------------------------------


def _tags_for(rng, age, gender):
    """Built-in tags in plausible shares: 独居老人 ≈ 3 %, 空巢老人 ≈ 5 %, 残疾 2 % (health) …"""
    tags = []
    if age >= 60:
        if rng.random() < 0.185:
            tags.append({"tag": "独居老人"})
        elif rng.random() < 0.35:
            tags.append({"tag": "空巢老人"})
    if age < 16 and rng.random() < 0.05:
        tags.append({"tag": "留守儿童"})
    if 25 <= age <= 85 and gender == "male" and rng.random() < 0.04:
        tags.append({"tag": "退役军人"})
    if rng.random() < 0.02:
        tags.append({"tag": "低保"})
    if rng.random() < 0.003:
        tags.append({"tag": "特困"})
    if rng.random() < 0.02:
        tags.append({"tag": "残疾", "level": rng.randint(1, 4), "sensitive": True})
    if rng.random() < 0.005:
        tags.append({"tag": "重点关注"})
    return tags


def resident_rows(rng, grid_path, first_id, taken_ids, now_text):
    """RESIDENTS_PER_GRID residents of one grid: (resident rows, tag rows) as tuples."""
    from plugins.resident_info.register.ids import check_character

    surnames = list(SURNAMES) + list(RARE_SURNAMES)
    rare_share = (100 - sum(SURNAMES.values())) / len(RARE_SURNAMES)
    weights = list(SURNAMES.values()) + [rare_share] * len(RARE_SURNAMES)
    picked = rng.choices(surnames, weights=weights, k=RESIDENTS_PER_GRID)
    residents, tags = [], []
    for offset, surname in enumerate(picked):
        resident_id = first_id + offset
        age = min(100, max(0, int(rng.gauss(40, 20))))
        birth = TODAY - timedelta(days=age * 365 + rng.randint(0, 364))
        gender = "male" if rng.random() < 0.5 else "female"
        name = surname + "".join(rng.choices(GIVEN, k=1 if rng.random() < 0.3 else 2))
        id_number = None
        while rng.random() < 0.98 and id_number is None:  # 2 % without an ID number yet
            sequence = rng.randrange(0, 999, 2) + (1 if gender == "male" else 0)  # odd: male
            first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{sequence:03d}"
            candidate = first17 + check_character(first17)
            if candidate not in taken_ids:
                taken_ids.add(candidate)
                id_number = candidate
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" if rng.random() < 0.9 else None
        status = rng.choices(("living", "moved_out", "deceased"), weights=(95, 3, 2))[0]
        resident_tags = _tags_for(rng, age, gender)
        residents.append(
            (
                resident_id,
                COUNTY,
                grid_path,
                name,
                gender,
                birth.isoformat(),
                id_number,
                id_number[-4:] if id_number else None,
                phone,
                f"{rng.randint(1, 20)}号楼",
                f"{rng.randint(1, 4)}单元",
                f"{rng.randint(1, 18)}0{rng.randint(1, 4)}",
                None,
                None,
                "registered" if rng.random() < 0.85 else "floating",
                status,
                None if status == "living" else "2025-06-01",
                json.dumps(resident_tags),
                "",
                "{}",
                None,
                1,
                now_text,
                now_text,
            )
        )
        tags += [(resident_id, t["tag"], t.get("level"), bool(t.get("sensitive"))) for t in resident_tags]
    return residents, tags


def generate(batch_grids=50):
    """Batches of (resident rows, tag rows), grid by grid, reproducible (seeded RNG)."""
    rng, taken, next_id, batch = random.Random(20261121), set(), 1, ([], [])
    for index, grid_path in enumerate(grid_paths(), start=1):
        residents, tags = resident_rows(rng, grid_path, next_id, taken, "2026-11-01 08:00:00.000000")
        next_id += len(residents)
        batch[0].extend(residents)
        batch[1].extend(tags)
        if index % batch_grids == 0:
            yield batch
            batch = ([], [])
    if batch[0]:
        yield batch


# --- the database ------------------------------------------------------------------------


def app_for(database_url, directory):
    from core.app import create_app

    return create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-secret-key-not-secret",
            "INSTANCE_PATH": str(Path(directory) / "instance"),
        }
    )


def seed(database_url, directory, progress=print):
    """Migrate, add the tree, the community admin (with an API token) and the residents.
    Returns the token's plaintext."""
    from sqlalchemy import insert

    from core.db import engine_of
    from core.plugin_system.migrations import upgrade_all
    from core.tree.models import OrgNode

    app = app_for(database_url, directory)
    with app.app_context():
        upgrade_all(app)
        engine = engine_of(app)
        with engine.begin() as conn:
            conn.execute(insert(OrgNode.__table__), org_rows())
        token = _admin_with_token(app)
        raw = engine.raw_connection()
        try:
            write = _write_sqlite if engine.dialect.name == "sqlite" else _write_postgres
            write(raw.driver_connection, progress)
        finally:
            raw.close()
        engine.dispose()
    return token


def _admin_with_token(app):
    from core.auth.models import User
    from core.auth.passwords import hash_password
    from core.auth.tokens import create_token
    from core.db import session_scope
    from core.permissions.store import grant_package
    from core.plugin_system.enablement import set_state

    with session_scope(app) as db:
        set_state(db, state_of(app).host, "resident_info", COUNTY, "enabled", actor="bench")
        user = User(
            username=ADMIN,
            display_name="社区管理员（基准）",
            org_path=COMMUNITY,
            password_hash=hash_password("bench-password-not-secret"),
        )
        db.add(user)
        db.flush()
        grant_package(db, user.id, "community_admin", COMMUNITY)
        _row, token = create_token(db, user, "bench")
    return token


def _write_sqlite(conn, progress):
    resident_sql = (
        f"INSERT INTO resident_info_resident ({', '.join(RESIDENT_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(RESIDENT_COLUMNS))})"
    )
    tag_sql = f"INSERT INTO resident_info_resident_tag ({', '.join(TAG_COLUMNS)}) VALUES (?, ?, ?, ?)"
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")  # 400 MB: the indexes stay in memory while loading
    for _done, (residents, tags) in enumerate(generate(), start=1):
        conn.executemany(resident_sql, residents)
        conn.executemany(tag_sql, tags)
        conn.commit()
        progress(f"  seeded {residents[-1][0]:,} residents")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _write_postgres(conn, progress):
    with conn.cursor() as cursor:
        for residents, tags in generate():
            with cursor.copy(f"COPY resident_info_resident ({', '.join(RESIDENT_COLUMNS)}) FROM STDIN") as copy:
                for row in residents:
                    copy.write_row(row)
            with cursor.copy(f"COPY resident_info_resident_tag ({', '.join(TAG_COLUMNS)}) FROM STDIN") as copy:
                for row in tags:
                    copy.write_row(row)
            conn.commit()
            progress(f"  seeded {residents[-1][0]:,} residents")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('resident_info_resident', 'id'), "
            "(SELECT max(id) FROM resident_info_resident))"
        )
        cursor.execute("ANALYZE")  # what autovacuum would do soon after such a load
    conn.commit()
