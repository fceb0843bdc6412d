"""The offline client key (core.js fills it with a fresh UUID; a resend carries the same one,
so the visit is stored once)."""

try:
    from core.public import client_key_of
except ImportError:  # until the core's offline mechanism is merged: the same contract, here
    import re

    from core.public import ApiError

    _UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

    def client_key_of(form):
        key = (form.get("client_key") or "").strip().lower()
        if not key:
            return None
        if not _UUID.fullmatch(key):
            raise ApiError(422, "离线保存的编号（client_key）格式不正确，请刷新页面后重新提交。", pointer="/client_key")
        return key


__all__ = ["client_key_of"]
