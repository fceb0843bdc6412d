"""Metering overhead: a permission-checked plugin request with usage metering against the
same request on the same database with metering switched off (``USAGE_METERING=false``).

Request: ``GET /api/v1/resident_info/residents?org_path=c01/s01/m01&limit=20`` with the demo
community admin's bearer token (authentication, ``@require``, the data scope, the query) —
a cheap request, so the metering share is as large as it gets. With metering, each request
notes its plugin permission in ``g``, and after the answer one line goes to the process's
spool file (``os.write``); the flusher thread counts the spool into the database every second
in the same process, so its CPU is counted too. Both apps in this process, Flask's test
client, rounds alternating without/with; the figure is requests per CPU-second
(``time.process_time``: user + system time of the whole process, flusher included), medians.
Checks first that the metered app really counted (and the other did not). Goal: with/without
≥ 0.95.

    .venv/bin/python bench/metering_overhead.py    # options: --requests 2000 --rounds 5
"""

import argparse
import tempfile
import time

from _common import PASSWORD, app_config, emit_json, machine_line, median
from sqlalchemy import func, select
from sqlmodel import select as model_select

from core.app import create_app
from core.auth.models import User
from core.auth.tokens import create_token
from core.db import session_scope, system_query
from core.demo import enable_plugins, seed_demo
from core.plugin_system.migrations import upgrade_all
from core.state import state_of
from core.usage.ingest import ingest_spool
from core.usage.models import UsageCount

URL = "/api/v1/resident_info/residents?org_path=c01/s01/m01&limit=20"
GOAL = 0.95


def build(directory):
    config = {**app_config(directory), "JOBS_EMBEDDED": False, "EVENTS_EMBEDDED_DISPATCHER": False}
    metered = create_app({**config, "USAGE_FLUSHER": True, "USAGE_FLUSH_SECONDS": 1})
    upgrade_all(metered)
    with metered.app_context(), session_scope(metered) as db:
        seed_demo(db, PASSWORD)
        enable_plugins(db, state_of(metered).host, "c01")
    with metered.app_context(), session_scope(metered) as db:
        user = db.exec(system_query(model_select(User).where(User.username == "community_admin"), "bench")).one()
        _row, token = create_token(db, user, "bench")
    plain = create_app({**config, "USAGE_METERING": False})
    return metered, plain, {"Authorization": f"Bearer {token}"}


def rate(app, headers, count):
    client = app.test_client()
    started = time.process_time()
    for _ in range(count):
        response = client.get(URL, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"BENCH FAILED: {URL} answered {response.status_code}")
    return count / (time.process_time() - started)


def counted(app):
    ingest_spool(app)
    with app.app_context(), session_scope(app) as db:
        return db.execute(select(func.coalesce(func.sum(UsageCount.n), 0))).scalar()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(machine_line())
    with tempfile.TemporaryDirectory() as directory:
        metered, plain, headers = build(directory)
        rate(plain, headers, 200), rate(metered, headers, 200)  # warm-up
        before = counted(metered)
        rate(plain, headers, 50)
        if counted(metered) != before:
            raise SystemExit("BENCH FAILED: the unmetered app counted")
        without, with_ = [], []
        for round_number in range(args.rounds):
            without.append(rate(plain, headers, args.requests))
            with_.append(rate(metered, headers, args.requests))
            print(f"  round {round_number + 1}: without {without[-1]:,.0f} req/CPU-s, with {with_[-1]:,.0f}")
        total = counted(metered)
        if total - before != args.rounds * args.requests:
            raise SystemExit(f"BENCH FAILED: counted {total - before}, expected {args.rounds * args.requests}")
    ratio = median(with_) / median(without)
    print(
        f"metering overhead: without {median(without):,.0f} req/CPU-s, with {median(with_):,.0f} req/CPU-s "
        f"→ {ratio:.3f} of without (goal ≥ {GOAL}); every metered request counted once"
    )
    emit_json("metering_overhead", without=round(median(without)), with_metering=round(median(with_)),
              ratio=round(ratio, 3), goal=GOAL)  # fmt: skip


if __name__ == "__main__":
    main()
