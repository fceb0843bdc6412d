"""The key a phone gives each record it sends (offline.js), so a resend after a lost answer
stores the record once: the plugin keeps the key in a UNIQUE column and answers a second
POST with the same key as it answered the first."""

import re

from core.api.errors import ApiError

# offline.js sends 32 hex digits; other clients (an app, a script) may send a UUID.
_KEY = re.compile(r"[A-Za-z0-9-]{8,64}")
_MALFORMED = "离线记录编号（client_key）格式不正确：应为 8–64 位字母、数字或连字符。"


def client_key_of(form):
    """The submitted ``client_key`` (a form or a JSON body), or None when none was sent.

    :raises ApiError: 422 when the key is malformed (never echoed back).
    """
    value = (form.get("client_key") or "").strip()
    if not value:
        return None
    if not _KEY.fullmatch(value):
        raise ApiError(422, _MALFORMED, pointer="/client_key")
    return value
