"""A short-lived permission, kept in the reader's own session, to see one resident's full
ID number and phone again without a second audit entry: "显示完整信息" is a POST that logs
one view (with the reason asked for) and redirects to the detail page, which shows the full
values while the grant lasts — so reloading that page logs nothing and asks nothing.

A grant names the reader as well as the resident (the core clears the session at sign-in
and sign-out; this holds even if it did not), and the page checks the permission again on
every view, so a grant never outlives it."""

from flask import session

from core.public import utcnow

REVEAL_SECONDS = 5 * 60
REASON_MAX = 200
GRANTS_KEPT = 20  # the session travels in a cookie: only the newest few
_KEY = "resident_info_reveals"


def grant_reveal(user_id, resident_id):
    grants = _live_grants()
    grants[_name(user_id, resident_id)] = utcnow().timestamp() + REVEAL_SECONDS
    session[_KEY] = dict(sorted(grants.items(), key=lambda item: item[1])[-GRANTS_KEPT:])


def reveal_granted(user_id, resident_id):
    return _name(user_id, resident_id) in _live_grants()


def _name(user_id, resident_id):
    return f"{user_id}:{resident_id}"


def _live_grants():
    """The unexpired grants (expired ones dropped, so the cookie stays small)."""
    now = utcnow().timestamp()  # the core's clock: tests move it, nothing sleeps
    return {key: until for key, until in (session.get(_KEY) or {}).items() if until > now}
