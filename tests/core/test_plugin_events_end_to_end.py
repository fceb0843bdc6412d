"""Issue 3, done when — one story: a plugin scaffolded with ``gridwork plugin new`` installs
with pip, loads, is enabled for one community and not its sibling, and its events flow to a
subscriber in another plugin through workers that survive kill -9 without losing or
duplicating anything.

Everything app-level runs in subprocesses, as an operator would run it: the plugin
("rollcall") is pip-installed into a private ``--target`` folder only those processes see
(PYTHONPATH), and Gridwork is configured through GRIDWORK_* variables. The subscriber is the
fixture plugin fx_relay: its own migration makes a table without a unique key, and it
writes one row per handled event, so a duplicate would show. Three ``gridwork worker``
processes deliver; busy ones are SIGKILLed and restarted at random moments.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from test_plugin_scaffold import _pip_install  # the same pip install the scaffold test proves

from core.db import make_engine

pytestmark = pytest.mark.slow

PLUGIN = "rollcall"  # tests/core/plugin_fixtures/fx_relay subscribes to rollcall.record_added
HANDLER = "fx_relay.relay"
RECORDS = 2_000
PER_TRANSACTION = 200
WORKERS = 3
MIN_KILLS = 10
TIME_LIMIT = 180
KILL_SEED = 3
FIXTURES = Path(__file__).resolve().parent / "plugin_fixtures"
GRIDWORK = str(Path(sys.executable).with_name("gridwork"))

SEED_SCRIPT = """
from core.app import create_app
from core.auth.models import User
from core.auth.passwords import hash_password
from core.db import session_scope
from core.permissions.store import grant_package
from core.testing import TEST_PASSWORD, build_tree

app = create_app()
with app.app_context(), session_scope(app) as db:
    paths = build_tree(db)
    for node in ("m1", "m12"):
        user = User(username=f"{node}_admin", display_name="社区管理员", org_path=paths[node],
                    password_hash=hash_password(TEST_PASSWORD))
        db.add(user)
        db.flush()
        grant_package(db, user.id, "community_admin", paths[node])
"""

# Loads the app as installed, tries the API as both community admins, then adds records
# through rollcall's own service in the m1 admin's real scope; writes what it saw as JSON.
USE_SCRIPT = """
import json
import sys

from sqlmodel import select

from core.app import create_app
from core.auth.actor import Actor
from core.state import state_of
from core.auth.models import User
from core.db import session_scope, system_query
from core.permissions.access import scope_for
from core.testing import GridworkClient
from rollcall.permissions import WRITE
from rollcall.records import services

report_file, records, per_transaction = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
app = create_app()
host = state_of(app).host
report = {"plugins": {name: {"ok": host.plugins[name].ok, "error": host.plugins[name].error,
                             "source": host.plugins[name].source, "distribution": host.plugins[name].distribution}
                      for name in ("rollcall", "fx_relay")}}


def add_through_api(username, org_path):
    client = GridworkClient(app.test_client())
    assert client.login(username).status_code == 302, username
    return client.post("/api/v1/rollcall/records", json={"title": "首次点名", "org_path": org_path}).status_code


report["api"] = {"m1": add_through_api("m1_admin", "c1/s1/m1"), "m12": add_through_api("m12_admin", "c1/s1/m12")}
with app.app_context():
    with session_scope(app) as db:
        user = db.exec(system_query(select(User).where(User.username == "m1_admin"), "test script")).one()
        admin = Actor.from_user(user)  # as a signed-in request sees them
    scope = scope_for(admin, WRITE)
    report["scope"] = list(scope.paths)
    for start in range(0, records, per_transaction):
        with session_scope(app) as db:
            for i in range(start, min(records, start + per_transaction)):
                services.add_record(db, scope, admin.username, "c1/s1/m1", f"点名 {i}")
with open(report_file, "w", encoding="utf-8") as handle:
    json.dump(report, handle)
"""


def test_a_pip_installed_plugin_on_for_one_community_feeds_another_plugin_through_killed_workers(
    tmp_path, database_url
):
    env = gridwork_environment(tmp_path, database_url)
    run([GRIDWORK, "plugin", "new", PLUGIN, "--dir", str(tmp_path / "src")], tmp_path, env)
    _pip_install(tmp_path / "src" / PLUGIN, tmp_path / "site")
    run([GRIDWORK, "db", "upgrade"], tmp_path, env)  # rollcall's and fx_relay's own migrations
    run_script(SEED_SCRIPT, tmp_path, env)
    for plugin in (PLUGIN, "fx_relay"):
        switched = run([GRIDWORK, "plugin", "set-state", plugin, "c1/s1/m1", "enabled"], tmp_path, env)
        assert "disabled → enabled" in switched, switched

    report = run_script(USE_SCRIPT, tmp_path, env, RECORDS, PER_TRANSACTION)

    assert report["plugins"][PLUGIN] == {
        "ok": True,
        "error": None,
        "source": "package",
        "distribution": f"gridwork-{PLUGIN}",
    }, report
    assert report["plugins"]["fx_relay"]["ok"], report
    assert report["api"] == {"m1": 201, "m12": 404}  # on in m1, off in its sibling m12
    assert report["scope"] == ["c1/s1/m1"]

    result = deliver_with_kills(env, tmp_path, database_url, random.Random(KILL_SEED))

    published = RECORDS + 1  # the API record too
    assert result["records"] == result["events"] == published, result
    assert result["deliveries"] == result["done"] == published, result  # nothing pending, dead or skipped
    assert result["lost"] == 0 and result["records_not_relayed"] == 0, result
    assert result["effects"] == published and result["duplicate_effects"] == 0, result
    assert result["kills"] >= MIN_KILLS, result
    assert result["stranded_redelivered"] >= 1, result  # what a killed worker held, another finished


# ---------------------------------------------------------------- running Gridwork


def gridwork_environment(tmp_path, database_url):
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(FIXTURES)]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "GRIDWORK_DATABASE_URL": database_url,
        "GRIDWORK_INSTANCE_PATH": str(tmp_path / "instance"),
        "GRIDWORK_SECRET_KEY": "end-to-end-secret",
        "GRIDWORK_SESSION_COOKIE_SECURE": "false",  # the test client speaks plain http
        "GRIDWORK_EXTRA_PLUGINS": json.dumps(["fx_relay=fx_relay.hooks"]),
        "GRIDWORK_EVENTS_EMBEDDED_DISPATCHER": "false",
        "GRIDWORK_EVENTS_LEASE_SECONDS": "2",
        "GRIDWORK_EVENTS_BATCH_SIZE": "10",
        "GRIDWORK_EVENTS_POLL_INTERVAL": "0.05",
    }


def run(command, cwd, env):
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)}\n{output}"
    return output


def run_script(source, tmp_path, env, *args):
    script, report = tmp_path / "script.py", tmp_path / "report.json"
    script.write_text(source, encoding="utf-8")
    report.unlink(missing_ok=True)
    run([sys.executable, str(script), str(report), *map(str, args)], tmp_path, env)
    return json.loads(report.read_text(encoding="utf-8")) if report.exists() else None


# ---------------------------------------------------------------- workers, killed


def deliver_with_kills(env, tmp_path, database_url, rng):
    """Start the workers, SIGKILL busy ones (and restart them) until everything is delivered."""
    log = (tmp_path / "workers.log").open("ab")
    start = lambda: subprocess.Popen([GRIDWORK, "worker"], cwd=tmp_path, env=env, stdout=log, stderr=log)  # noqa: E731
    watcher = make_engine(database_url)
    workers = [start() for _ in range(WORKERS)]
    started, kills, stranded = time.monotonic(), 0, set()
    next_kill = kill_point(rng, 0)
    try:
        while pending(watcher):
            elapsed = time.monotonic() - started
            assert elapsed < TIME_LIMIT, f"not finished in {TIME_LIMIT} s: {figures(watcher)}\n{tail(tmp_path)}"
            assert all(worker.poll() is None for worker in workers), f"a worker stopped by itself\n{tail(tmp_path)}"
            done = delivered(watcher)
            if done >= next_kill:
                held = kill_a_busy_worker(workers, watcher, rng, start)
                if held is not None:  # no worker busy this instant: try again at the next poll
                    kills, stranded = kills + 1, stranded | held
                    next_kill = kill_point(rng, done)
            time.sleep(0.02)
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.kill(worker.pid, signal.SIGKILL)
            worker.wait(10)
        log.close()
    result = {
        **figures(watcher),
        "kills": kills,
        "stranded": len(stranded),
        "stranded_redelivered": len(stranded & redelivered_ids(watcher)),
        "seconds": round(time.monotonic() - started, 1),
        "database": watcher.dialect.name,
    }
    watcher.dispose()
    print(json.dumps(result))
    return result


def kill_point(rng, done):
    """The delivered count at which the next kill lands. Paced by progress, not the clock:
    however fast or slow the machine, about MIN_KILLS + 5 kills fall within one run."""
    step = RECORDS // (MIN_KILLS + 5)
    return done + rng.randint(step // 2, step)


def kill_a_busy_worker(workers, engine, rng, start):
    """SIGKILL a worker that holds leases (so the kill lands mid-batch) and start another;
    returns the ids of the deliveries it held, or None when no worker was busy."""
    leases = leases_by_pid(engine)
    victims = [index for index, worker in enumerate(workers) if worker.pid in leases and worker.poll() is None]
    if not victims:
        return None
    index = rng.choice(victims)
    os.kill(workers[index].pid, signal.SIGKILL)
    workers[index].wait(10)
    held = leases[workers[index].pid]
    workers[index] = start()
    return held


def leases_by_pid(engine):
    """{worker pid: {delivery id, …}} for the leases held right now (owner is host:pid:thread)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, lease_owner FROM core_event_delivery WHERE status = 'pending' AND lease_owner IS NOT NULL")
        ).all()
    leases = {}
    for delivery_id, owner in rows:
        leases.setdefault(int(owner.rsplit(":", 2)[1]), set()).add(delivery_id)
    return leases


def redelivered_ids(engine):
    with engine.connect() as conn:
        return set(conn.execute(text("SELECT id FROM core_event_delivery WHERE attempts > 1")).scalars())


def delivered(engine):
    with engine.connect() as conn:
        return conn.execute(
            text(f"SELECT count(*) FROM core_event_delivery WHERE handler = '{HANDLER}' AND status = 'done'")
        ).scalar()


def pending(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM core_event_delivery WHERE status = 'pending'")).scalar()


def figures(engine):
    queries = {
        "records": f"SELECT count(*) FROM {PLUGIN}_record",
        "events": f"SELECT count(*) FROM core_event WHERE type = '{PLUGIN}.record_added'",
        "deliveries": f"SELECT count(*) FROM core_event_delivery WHERE handler = '{HANDLER}'",
        "done": f"SELECT count(*) FROM core_event_delivery WHERE handler = '{HANDLER}' AND status = 'done'",
        "effects": "SELECT count(*) FROM fx_relay_effect",
        "lost": f"SELECT count(*) FROM core_event e WHERE e.type = '{PLUGIN}.record_added' AND NOT EXISTS "
        "(SELECT 1 FROM fx_relay_effect f WHERE f.event_id = e.id)",
        "records_not_relayed": f"SELECT count(*) FROM {PLUGIN}_record r WHERE NOT EXISTS "
        "(SELECT 1 FROM fx_relay_effect f WHERE f.record_id = r.id)",
        "duplicate_effects": "SELECT count(*) - count(DISTINCT event_id) FROM fx_relay_effect",
        "redelivered": f"SELECT count(*) FROM core_event_delivery WHERE handler = '{HANDLER}' AND attempts > 1",
        "max_attempts": f"SELECT max(attempts) FROM core_event_delivery WHERE handler = '{HANDLER}'",
    }
    with engine.connect() as conn:
        return {name: conn.execute(text(sql)).scalar() for name, sql in queries.items()}


def tail(tmp_path, lines=40):
    log = tmp_path / "workers.log"
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]) if log.exists() else ""
