"""The core's own sample records for the cross-tenant matrix (hook ``gridwork_sample_records``).

Only the test suite calls the hook (``core.testing.cross_tenant``); it lives outside
``core.testing`` so the core plugin can answer it without importing the test machinery.
"""

import io
from datetime import timedelta

from PIL import Image
from werkzeug.datastructures import FileStorage

from core.alerts.models import Alert
from core.attachments.service import attach_file
from core.audit.chain import record_audit
from core.auth.models import User
from core.auth.tokens import create_token
from core.inbox.notices import notify
from core.permissions.store import grant_package
from core.timeutil import utcnow
from core.usage.models import Rating


def core_sample_records(session, org_path, marker):
    """The core's own ``gridwork_sample_records``: a user at ``org_path`` (username and
    display name are the marker) with two grants there, an API token, an audit entry
    naming the marker, a notice to the grid workers there and an alert over it (both titled
    with the marker) and a photo attached at ``org_path`` (file name = the marker). Role
    packages are shared by every tenant: ``name`` is the same everywhere."""
    user = User(username=marker, display_name=marker, org_path=org_path, password_hash="")
    session.add(user)
    session.flush()
    grant_package(session, user.id, "grid_feedback_worker", org_path)
    grant = grant_package(session, user.id, "event_dispatcher", org_path)
    token, _secret = create_token(session, user, marker)
    record_audit(session, "core.matrix_marker", actor=marker, target=marker, org_path=org_path)
    notice = notify(session, plugin="core", title=marker, org_path=org_path, to_package="grid_feedback_worker")
    alert = _sample_alert(session, org_path, marker)
    photo = _sample_photo(session, org_path, marker)
    rating = Rating(kind="rating", user_id=user.id, plugin="core", org_path=org_path, month="2026-12", stars=1)
    rating.comment, rating.followup = marker, "open"
    session.add(rating)
    session.flush()
    return {
        "notice_id": notice.id,
        "alert_id": alert.id,
        "attachment_id": photo.id,
        "node_id": org_path.rsplit("/", 1)[-1],
        "user_id": user.id,
        "grant_id": grant.id,
        "token_id": token.id,
        "name": "event_dispatcher",
        "rating_id": rating.id,
        "plugin": "core",  # no module to rate: the rating routes answer 404 for every tenant
    }


def _sample_alert(session, org_path, marker):
    now = utcnow()
    alert = Alert(
        kind="heat", org_path=org_path, message=marker, starts_at=now, ends_at=now + timedelta(days=1), issued_by=marker
    )
    session.add(alert)
    session.flush()
    return alert


def _sample_photo(session, org_path, marker):
    """A small PNG guarded by ``core.org_read``, which every tenant's admins hold at home."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    upload = FileStorage(io.BytesIO(buffer.getvalue()), filename=f"{marker}.png")
    return attach_file(
        session,
        plugin="core",
        record_type="matrix_sample",
        record_id=marker,
        org_path=org_path,
        upload=upload,
        actor=marker,
        permission="core.org_read",
    )
