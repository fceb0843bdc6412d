"""The offline client key (core.js fills it with a fresh UUID; a resend carries the same one,
so the visit is stored once)."""

from core.public import client_key_of

__all__ = ["client_key_of"]
