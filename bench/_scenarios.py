"""Shared by the scenario benchmarks: a demo app with every plugin on at the county, the
demo community admin's bearer token, and scenario documents of real blocks."""

import time

from _common import PASSWORD, app_config, median
from sqlmodel import select

from core.app import create_app
from core.auth.models import User
from core.auth.tokens import create_token
from core.db import session_scope, system_query
from core.demo import enable_plugins, seed_demo
from core.plugin_system.migrations import upgrade_all
from core.state import state_of

COMMUNITY = "c01/s01/m01"
TARGETS = {"published_to": [{"org_path": COMMUNITY, "subtree": True}], "packages": ["grid_feedback_worker"]}


def demo_app(directory):
    """(app, {"Authorization": …} of the demo community admin)."""
    config = {**app_config(directory), "JOBS_EMBEDDED": False, "EVENTS_EMBEDDED_DISPATCHER": False}
    app = create_app({**config, "USAGE_METERING": False})
    upgrade_all(app)
    with app.app_context(), session_scope(app) as db:
        seed_demo(db, PASSWORD)
        enable_plugins(db, state_of(app).host, "c01")
    return app, bearer(app, "community_admin")


def bearer(app, username):
    """Authorization headers of a demo user's new API token."""
    with app.app_context(), session_scope(app) as db:
        user = db.exec(system_query(select(User).where(User.username == username), "bench")).one()
        _row, token = create_token(db, user, "bench")
    return {"Authorization": f"Bearer {token}"}


def block(plugin, name, settings=None):
    return {"plugin": plugin, "block": name, "settings": settings or {}}


def document(blocks, triggers=(), title="基准场景"):
    return {"title": title, "blocks": list(blocks), "triggers": list(triggers), **TARGETS}


def ms_per_call(run, count):
    started = time.perf_counter()
    for _ in range(count):
        run()
    return (time.perf_counter() - started) * 1000 / count


def alternate(floor, ours, count, rounds, warmup=3):
    """Median milliseconds per call of (floor, ours), rounds alternating floor then ours."""
    ms_per_call(floor, warmup), ms_per_call(ours, warmup)
    floors, ourses = [], []
    for _ in range(rounds):
        floors.append(ms_per_call(floor, count))
        ourses.append(ms_per_call(ours, count))
    return median(floors), median(ourses)


def interleaved(floor, ours, count, rounds, warmup=3):
    """Median milliseconds of one call of (floor, ours), timed call by call in turns (floor,
    ours, floor, …): a burst of load from another process falls on both alike, and the
    median of count × rounds single calls is not moved by a few slow ones."""
    ms_per_call(floor, warmup), ms_per_call(ours, warmup)
    floors, ourses = [], []
    for _ in range(count * rounds):
        floors.append(ms_per_call(floor, 1))
        ourses.append(ms_per_call(ours, 1))
    return median(floors), median(ourses)
