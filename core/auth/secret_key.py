"""The session-signing key, created when the first request needs it rather than at startup.

Every ``gridwork`` command builds the app, and most (``plugin new``, ``--help``,
``plugin list``) sign nothing: creating ``instance/secret_key`` in whatever folder the
operator stood in was a surprise. Flask opens the session before any ``before_request``
function runs, so the key is made there, in the session interface.
"""

import threading

from flask.sessions import SecureCookieSessionInterface

from core.config import create_instance_secret


class InstanceSecretSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie sessions, creating the instance secret on first use when no
    ``SECRET_KEY`` was configured. Set once, before the first session is opened, so the
    key never changes under a request."""

    def __init__(self):
        self._lock = threading.Lock()

    def open_session(self, app, request):
        if not app.config.get("SECRET_KEY"):
            with self._lock:
                if not app.config.get("SECRET_KEY"):
                    app.config["SECRET_KEY"] = create_instance_secret(app.instance_path)
        return super().open_session(app, request)
