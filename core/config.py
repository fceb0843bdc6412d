"""Configuration: defaults → instance TOML → GRIDWORK_* environment → test config.

Each later layer overrides the earlier ones. Keys are upper-case Flask-style names;
``GRIDWORK_DATABASE_URL`` becomes ``DATABASE_URL`` and so on.
"""

import json
import os
import secrets
import tempfile
import tomllib
from pathlib import Path

ENV_PREFIX = "GRIDWORK_"
SECRET_FILE = "secret_key"

DEFAULTS = {
    "DATABASE_URL": None,  # None = SQLite file in the instance folder
    "REDIS_URL": None,  # None = embedded single-node mode
    "SECRET_KEY": None,  # None = read from the instance folder, generated there on the first request
    "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
    "LANGUAGES": ["zh_Hans_CN", "en"],
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "WTF_CSRF_CHECK_DEFAULT": False,  # core.auth.csrf decides which requests need it
    "WTF_CSRF_TIME_LIMIT": None,
    "LOGIN_THROTTLE_MAX_FAILURES": 5,  # per account within the window
    "LOGIN_THROTTLE_MAX_IP_FAILURES": 20,  # per address within the window
    "LOGIN_THROTTLE_WINDOW_SECONDS": 900,
    "SESSION_IDLE_SECONDS": 8 * 3600,
    "POLICY_CHECK_INTERVAL": 0.25,  # seconds between policy-version checks per process
    "PASSWORD_MIN_LENGTH": 12,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,  # uploads (CSV/Excel imports) larger than this answer 413
    "TIMEZONE": "Asia/Shanghai",  # the deployment's zone: "today", daily jobs, dates typed into filters
    "JOBS_POLL_SECONDS": 5.0,  # how often a scheduler looks for due jobs
    "JOBS_LEASE_SECONDS": 300.0,  # a run not finished within this (process gone) is taken over
    "JOBS_MAX_ATTEMPTS": 5,  # a failing run is retried with backoff this many times in its period
    "ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,  # one photo or document (core.attachments)
    "ATTACHMENT_MAX_PIXELS": 40_000_000,  # width × height, checked from the header before decoding
    "ATTACHMENT_PHONE_SIDE": 1280,  # the phone copy's longest side, in pixels
    "ATTACHMENTS_FOLDER": None,  # None = <instance>/attachments
    "LIFECYCLE_EXPORTS_FOLDER": None,  # None = <instance>/lifecycle-exports (kept before a module retires)
    "LIFECYCLE_NOTICE_DAYS": {"freeze": 14, "retire": 30},  # a county cut: freeze and retire after so many days
}


def instance_path_from_env(explicit=None):
    raw = explicit or os.environ.get(ENV_PREFIX + "INSTANCE_PATH") or "instance"
    return Path(raw).resolve()


def load_config(instance_path, test_config=None):
    """Return the merged configuration mapping for one app."""
    config = dict(DEFAULTS)
    config.update(_read_instance_toml(instance_path))
    config.update(_read_environment(os.environ))
    config.update(test_config or {})
    config["INSTANCE_PATH"] = str(instance_path)
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{Path(instance_path) / 'gridwork.sqlite'}"
    if not config.get("SECRET_KEY"):
        # Not created here: `gridwork plugin new` or `--help` must not leave an instance
        # folder behind. core.auth.secret_key creates it when a request first needs it.
        config["SECRET_KEY"] = read_instance_secret(instance_path)
    return config


def _read_instance_toml(instance_path):
    path = Path(instance_path) / "gridwork.toml"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return {key.upper(): value for key, value in tomllib.load(handle).items()}


def _read_environment(environ):
    values = {}
    for name, raw in environ.items():
        if name.startswith(ENV_PREFIX) and name != ENV_PREFIX + "INSTANCE_PATH":
            values[name[len(ENV_PREFIX) :]] = _parse_env_value(raw)
    return values


def _parse_env_value(raw):
    # JSON first so numbers and booleans keep their type; plain strings stay strings.
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def read_instance_secret(instance_path):
    """The instance's secret key, or None while it has not been created."""
    path = Path(instance_path) / SECRET_FILE
    return path.read_text().strip() if path.exists() else None


def create_instance_secret(instance_path):
    """Create the instance's secret key (mode 600) unless it exists; return the key in the file.

    The key is written to a private temporary file and hard-linked into place, which fails
    if the file exists: when several workers start at once, the first wins and every worker
    reads the same complete key (never a half-written one).
    """
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    fd, draft = tempfile.mkstemp(dir=folder, prefix=f".{SECRET_FILE}-")  # mkstemp: mode 600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, folder / SECRET_FILE)
        except FileExistsError:
            pass
    finally:
        os.unlink(draft)
    return read_instance_secret(folder)
