"""What the event bus carries: declared event types, subscribed handlers, and events.

Names follow the one-name rule: an event is ``<plugin>.<past_tense>``
(``resident_info.resident_tagged``) and a handler ``<plugin>.<handler>``; the prefix is
the plugin that declares it, so a name alone says whose it is.
"""

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
NAME_MAX_LENGTH = 100


@dataclass(frozen=True)
class EventType:
    """An event a plugin publishes; ``schema`` is the JSON Schema of its payload."""

    name: str
    schema: dict
    plugin: str


@dataclass(frozen=True)
class Event:
    """One published event, as handlers receive it."""

    id: str
    type: str
    payload: dict
    org_path: str
    actor: str
    occurred_at: datetime


@dataclass(frozen=True)
class EventHandler:
    """A subscription: ``handler(event, session)`` runs once per event of ``event_type``,
    in its own savepoint of the round's transaction (the dispatcher commits; the handler
    must not).

    ``batch=True``: ``handler(events, session)`` takes a list instead — this handler's
    share of a claimed round, in delivery order, in one call and one savepoint, so it can
    read and write for all of them with a few set-based statements. If that call raises,
    the round is delivered again one event at a time (``handler([event], session)``), so
    only the event that fails is retried or ends in the dead letters."""

    event_type: str
    name: str
    handler: Callable[[Event, object], None] = field(compare=False)
    plugin: str
    batch: bool = False


@dataclass(frozen=True)
class MatchingHandler:
    """A subscription to event types known only at runtime: every declared type for which
    ``wants(event_type)`` answers true when the event is published. ``wants`` is asked on
    every publish, so it must be a cheap in-memory lookup (never a database query); the
    handler itself filters further (the scenario builder's triggers)."""

    name: str
    handler: Callable[[Event, object], None] = field(compare=False)
    plugin: str
    wants: Callable[[str], bool] = field(compare=False)


def check_name(kind, name, plugin):
    """Raise ValueError (Chinese) unless ``name`` is ``<plugin>.<word>``."""
    if not isinstance(name, str) or len(name) > NAME_MAX_LENGTH or not NAME_PATTERN.fullmatch(name):
        raise ValueError(
            f"{kind}名称“{name}”不符合规则：应为“模块名.英文小写名称”，"
            f"如 resident_info.resident_tagged（不超过 {NAME_MAX_LENGTH} 个字符）。"
        )
    prefix = name.split(".", 1)[0]
    if prefix != plugin:
        raise ValueError(f"{kind}“{name}”的前缀“{prefix}”必须与声明它的模块名“{plugin}”一致。")


def new_event_id():
    """A UUIDv7 as 32 hex digits: unguessable, and ordered by time (to the millisecond) so
    new rows land at the end of the primary-key index instead of scattering across it."""
    bits = os.urandom(10).hex()  # 74 of these 80 random bits are used: rand_a (12) and rand_b (62)
    return f"{time.time_ns() // 1_000_000 & 0xFFFF_FFFF_FFFF:012x}7{bits[:3]}{_VARIANT[bits[3]]}{bits[4:19]}"


# The variant nibble is 10xx (RFC 4122): keep two random bits of a hex digit, set the top two.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
