"""Helpers shared by the benchmarks: a seeded demo database, statistics, the final JSON line.

Benchmarks print figures; they never assert timings (DESIGN §8). They only fail loudly
when the thing measured does not work (a wrong status, a refused permission).
"""

import json
import os
import platform
import socket
import statistics
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
if str(REPO_ROOT) not in sys.path:  # `python bench/x.py` from anywhere finds `core`
    sys.path.insert(0, str(REPO_ROOT))

DEMO_USER = "community_admin"  # seeded at c01/s01/m01 by core.demo
TARGET_NODE = "g01"
TARGET_PATH = "c01/s01/m01/g01"
PASSWORD = "bench-password-not-secret"


class BenchFailure(RuntimeError):
    """The measured thing does not work: no figure would mean anything."""


def sqlite_url(directory):
    return f"sqlite:///{Path(directory) / 'bench.sqlite'}"


def app_config(directory):
    """The create_app test config every benchmark process uses for one temp directory."""
    return {
        "DATABASE_URL": sqlite_url(directory),
        "SECRET_KEY": "bench-secret-key-not-secret",
        "INSTANCE_PATH": str(Path(directory) / "instance"),
    }


def prepare_demo_database(directory, with_token=False):
    """Migrate a fresh SQLite file and seed the demo county. Returns (app, user_id, token or None).

    The app is a real ``create_app`` app on that file; the caller may keep using it.
    """
    from sqlmodel import select

    from core.app import create_app
    from core.auth.models import User
    from core.auth.tokens import create_token
    from core.db import session_scope, system_query
    from core.demo import seed_demo
    from core.migrate import upgrade

    config = app_config(directory)
    upgrade(config["DATABASE_URL"])
    app = create_app(config)
    token = None
    with app.app_context():
        with session_scope(app) as db:
            seed_demo(db, PASSWORD)
        with session_scope(app) as db:
            user = db.exec(system_query(select(User).where(User.username == DEMO_USER), "bench setup")).one()
            user_id = user.id
            if with_token:
                _row, token = create_token(db, user, "bench")
    return app, user_id, token


def median(values):
    return statistics.median(values)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine_line():
    import sqlite3

    # Other processes on the same cores move every absolute figure; the ratios hold better.
    return (
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, load average {os.getloadavg()[0]:.2f} before the run"
    )


def emit_json(bench, **figures):
    """The one line per benchmark meant to be pasted into notes."""
    print(json.dumps({"bench": bench, **figures}, ensure_ascii=False))


def fmt_us(nanoseconds):
    return f"{nanoseconds / 1000:.3f} µs"


# --- gunicorn, loopback only -------------------------------------------------------------


class Gunicorn:
    """``gunicorn`` with N sync workers on 127.0.0.1, in its own process group so that
    ``stop()`` ends the master and its workers — and nothing else."""

    def __init__(self, app_spec, env, workers=2, log_dir=None):
        self.app_spec = app_spec
        self.port = free_port()
        self.env = {**os.environ, **env}
        self.workers = workers
        self.log_path = Path(log_dir or "/tmp") / f"gunicorn-{self.port}.log"
        self.process = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path="/", timeout=120):
        """Start and wait until a worker answers HTTP (any status): the master listens at
        once, but each worker builds its app after the fork, which takes seconds."""
        import subprocess
        import time

        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--chdir",
            str(BENCH_DIR),
            "--log-level",
            "warning",
            self.app_spec,
        ]
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            command, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchFailure(f"gunicorn {self.app_spec} exited at start:\n{self.log()}")
            try:
                fetch(self.base_url + ready_path, timeout=5)
                return self
            except OSError:
                time.sleep(0.2)
        raise BenchFailure(f"gunicorn {self.app_spec} did not answer within {timeout} s:\n{self.log()}")

    def stop(self):
        import signal
        import subprocess

        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # our own process group only
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()

    def log(self):
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


def fetch(url, headers=None, timeout=30):
    """One request: (status, body bytes). Network failures raise OSError."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# --- load generators ---------------------------------------------------------------------

# wrk reports through this Lua hook: one parseable line instead of its human table.
_WRK_REPORT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def wrk_available():
    import shutil

    return shutil.which("wrk") is not None


def run_wrk(url, seconds, headers, connections, threads):
    """{rps, p50_ms, p95_ms, p99_ms, requests, errors} from one wrk run."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_REPORT)
    try:
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", script.name]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
    finally:
        os.unlink(script.name)
    line = next((text for text in output.splitlines() if text.startswith("WRKJSON ")), None)
    if line is None:
        raise BenchFailure(f"wrk printed no report:\n{output}")
    raw = json.loads(line[len("WRKJSON ") :])
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "requests": raw["requests"],
        "errors": errors,
    }


def _python_client_worker(args):
    """One client process: ``threads`` keep-alive-capable connections looping until the deadline."""
    import http.client
    import threading
    import time
    from urllib.parse import urlsplit

    url, headers, seconds, threads = args
    parts = urlsplit(url)
    deadline = time.monotonic() + seconds
    latencies, errors = [], [0]

    def loop():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", parts.path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = 200 <= response.status < 300
            except (OSError, http.client.HTTPException):
                connection.close()  # reconnects on the next request
                ok = False
            latencies.append(time.perf_counter() - started)
            errors[0] += not ok

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, errors[0]


def run_python_client(url, seconds, headers, connections, processes=2):
    """The fallback when wrk is missing: the same figures from ``http.client`` in a few processes.
    It costs more CPU than wrk on the same cores, so its req/s are lower for both apps."""
    import multiprocessing

    per_process = max(1, connections // processes)
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = pool.map(_python_client_worker, [(url, headers, seconds, per_process)] * processes)
    latencies = sorted(latency for chunk, _ in results for latency in chunk)
    errors = sum(e for _, e in results)
    if not latencies:
        raise BenchFailure("the Python client completed no request")
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
        "requests": len(latencies),
        "errors": errors,
    }
