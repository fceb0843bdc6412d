"""The spool: each process appends one line per metered request to its own file under
``instance/usage-spool/``, and ``core.usage.ingest`` counts the lines into the database.

Why a file and not the database or the outbox: a read request writes nothing, so a count row
or an outbox row would add a database write (and on SQLite a lock) to every request. An
``os.write`` to a file opened with ``O_APPEND`` is one system call; once it returns, the line
is in the kernel's page cache and survives the process being killed (SIGKILL, OOM), which is
the failure metering must survive (a machine losing power may lose the last seconds of
counts; those were never business records). Each line is counted exactly once: the ingester
moves the file's offset in the same transaction that adds the line's counts.
"""

import json
import os
import socket
import threading
import time
from pathlib import Path

ROTATE_BYTES = 4 * 1024 * 1024
END = b'["end"]\n'  # the last line of a file its writer has left for a new one


def spool_folder(app):
    folder = app.config.get("USAGE_SPOOL_FOLDER") or os.path.join(app.instance_path, "usage-spool")
    return Path(folder)


class SpoolWriter:
    """This process's spool file (reopened after a fork: each gunicorn worker has its own)."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._fd = None
        self._pid = None
        self._written = 0
        self._sequence = 0

    def append(self, record):
        """One JSON line (form submissions: field titles may hold anything)."""
        self.append_line(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")

    def append_line(self, text):
        line = text.encode()
        with self._lock:
            if self._pid != os.getpid() or self._fd is None:
                self._open()
            elif self._written > ROTATE_BYTES:
                os.write(self._fd, END)
                os.close(self._fd)
                self._open()
            os.write(self._fd, line)
            self._written += len(line)

    def _open(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        self._pid = os.getpid()
        self._sequence += 1
        # Real wall-clock time on purpose: the name must be unique across restarts, and the
        # core's clock is frozen or moved in tests (pid and sequence keep one process apart).
        name = f"{socket.gethostname()}-{self._pid}-{int(time.time() * 1000)}-{self._sequence}.jsonl"
        self._fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._written = 0

    def close(self):
        with self._lock:
            if self._fd is not None and self._pid == os.getpid():
                os.write(self._fd, END)
                os.close(self._fd)
            self._fd = None


def writer_is_gone(name):
    """A file whose writing process (on this machine) no longer runs: nothing more will come."""
    host, pid, *_rest = name.rsplit(".", 1)[0].rsplit("-", 3)
    if host != socket.gethostname():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError):
        return False
    return False
