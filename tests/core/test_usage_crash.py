"""A worker SIGKILLed while it serves metered requests and while its flusher is counting the
spool into the database loses no count and counts nothing twice."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.usage.ingest import ingest_spool
from core.usage.spool import spool_folder
from tests.core.usage_support import bearer, counted, enable_residents

CHILD = Path(__file__).with_name("usage_kill_child.py")


def _lines_in_spool(app):
    return sum(
        1
        for file in spool_folder(app).glob("*.jsonl")
        for line in file.read_bytes().splitlines()
        if line.startswith(b"a\t")
    )


def _run_until(app, predicate, child, errors, limit=60):
    deadline = time.monotonic() + limit
    while not predicate():
        said = Path(errors.name).read_text(errors="replace")[-2000:]
        assert child.poll() is None, f"the child process ended on its own: {said}"
        assert time.monotonic() < deadline, f"the child never got that far: {said}"
        time.sleep(0.05)


def test_sigkill_mid_batch_loses_nothing_and_counts_nothing_twice(app, test_config, org_tree, make_user, tmp_path):
    enable_residents(app)
    header = bearer(app, make_user("community_admin", "c1/s1/m1"))["Authorization"]
    root = Path(__file__).resolve().parents[2]
    errors = open(tmp_path / "child.err", "wb")  # noqa: SIM115 (closed in finally)
    child = subprocess.Popen(
        [sys.executable, str(CHILD), json.dumps(test_config), header],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stderr=errors,
    )
    try:
        _run_until(app, lambda: sum(counted(app)[0].values()) >= 100, child, errors)  # its flusher has committed
        # then kill it while its spool holds lines its flusher has not counted yet
        _run_until(app, lambda: _lines_in_spool(app) >= sum(counted(app)[0].values()) + 10, child, errors)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        errors.close()
    written = _lines_in_spool(app)
    already = sum(counted(app)[0].values())
    assert 0 < already <= written
    ingest_spool(app)
    counts, users = counted(app)
    assert sum(counts.values()) == written
    assert users == 1
    ingest_spool(app)
    assert sum(counted(app)[0].values()) == written
    assert not list(spool_folder(app).glob("*.jsonl")), "a dead writer's file, fully counted, is removed"
