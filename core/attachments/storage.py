"""Where attachment bytes live: a content-addressed store. ``put(bytes) -> key`` (the
SHA-256 in hex), ``get(key)``, ``exists(key)``. ``FileStore`` keeps them in the instance
folder (``attachments/ab/cd/<sha256>``); an S3-compatible store would implement the same
three methods, keyed the same way."""

import hashlib
import os
import re
import tempfile
from pathlib import Path

from flask import current_app

KEY_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def content_key(content):
    return hashlib.sha256(content).hexdigest()


class FileStore:
    def __init__(self, root):
        self.root = Path(root)

    def path_of(self, key):
        if not KEY_PATTERN.match(key or ""):  # a key is never a path someone typed
            raise ValueError("not an attachment key")
        return self.root / key[:2] / key[2:4] / key

    def exists(self, key):
        return self.path_of(key).is_file()

    def get(self, key):
        return self.path_of(key).read_bytes()

    def put(self, content):
        """Store ``content`` once: the same bytes always get the same key and one file.
        Written to a temporary file beside the target, flushed to disk, then renamed, so a
        reader never sees half a file and a crash leaves at most a stray temporary."""
        key = content_key(content)
        target = self.path_of(key)
        if target.is_file():
            return key
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return key


def store_of(app=None):
    """The app's store: ``ATTACHMENTS_FOLDER`` or ``<instance>/attachments``."""
    app = app or current_app
    return FileStore(app.config.get("ATTACHMENTS_FOLDER") or Path(app.instance_path) / "attachments")
