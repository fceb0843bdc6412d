"""A short-lived permission, kept in the reader's own session, to see one resident's full
ID number and phone again without a second audit entry: "显示完整信息" is a POST that logs
one view (with the reason asked for) and redirects to the detail page, which shows the full
values while the grant lasts — so reloading that page logs nothing and asks nothing."""

import time

from flask import session

REVEAL_SECONDS = 5 * 60
_KEY = "resident_info_reveals"
REASON_MAX = 200


def grant_reveal(resident_id):
    grants = _live_grants()
    grants[str(resident_id)] = time.time() + REVEAL_SECONDS
    session[_KEY] = grants


def reveal_granted(resident_id):
    return str(resident_id) in _live_grants()


def _live_grants():
    """The unexpired grants (expired ones dropped, so the cookie stays small)."""
    now = time.time()
    return {key: until for key, until in (session.get(_KEY) or {}).items() if until > now}
