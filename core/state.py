"""Everything the core builds for one app, in one typed object at ``app.extensions["gridwork"]``.

flaskr's rule holds: nothing lives at module level. ``create_app`` makes a ``Gridwork`` and
each ``register_*`` step fills its part; code reads it with ``state_of(app)`` (or, inside a
request, ``state_of()``). Imports only for type hints, so this module sits at the bottom of
the layers and anything may use it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import current_app

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from core.events.bus import EventBus
    from core.permissions.catalogue import PermissionCatalogue
    from core.permissions.policy import PolicyEngine
    from core.plugin_system.contributions import Contributions
    from core.plugin_system.host import PluginHost

KEY = "gridwork"


@dataclass
class Gridwork:
    engine: Engine | None = None
    host: PluginHost | None = None
    contributions: Contributions | None = None
    catalogue: PermissionCatalogue | None = None
    bus: EventBus | None = None
    services: dict[str, Callable] = field(default_factory=dict)
    blocks: dict[tuple[str, str], tuple[Any, dict]] = field(default_factory=dict)
    block_offers: tuple = ()  # (the blocks dict it was built from, {key: BlockOffer}) (core.plugin_system.blocks)
    nav: tuple = ()  # ((plugin, NavEntry), …)
    blueprint_owners: dict[str, str] = field(default_factory=dict)  # blueprint name → plugin
    write_guards: tuple = ()  # guard(session, table name, rows) before a bulk insert (core.lifecycle.guard)
    org_bound_tables: tuple = ()  # plugin tables whose rows follow their org node (core.tree.bound)
    jobs: dict[str, Any] = field(default_factory=dict)  # job name → ScheduledJob (core.scheduler)
    scheduler: Any = None  # the process's Scheduler, for the embedded thread and gridwork worker
    usage_spool: Any = None  # this process's usage spool writer (core.usage.spool)
    usage_form_meter: Callable | None = None  # hears each form read (core.usage.meter.note_form)
    audit_verification: dict | None = None  # the audit page's last chain check
    policy_factory: Callable[[], PolicyEngine] | None = None
    _policy: PolicyEngine | None = field(default=None, repr=False)
    _policy_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def policy(self) -> PolicyEngine:
        """The policy engine, built on first use: the CLI must be able to run ``db upgrade``
        on an empty database before anything reads the policy tables."""
        if self._policy is None:
            with self._policy_lock:
                if self._policy is None:
                    self._policy = self.policy_factory()
        return self._policy

    @property
    def policy_if_built(self) -> PolicyEngine | None:
        """The policy engine if something has used it already, else None (never builds it)."""
        return self._policy

    def contributed(self, hook_name):
        """[(plugin, item)] contributed through ``hook_name`` by plugins still loaded."""
        return self.contributions.items(hook_name, self.host)


def init_app(app):
    app.extensions[KEY] = Gridwork()
    return app.extensions[KEY]


def state_of(app=None) -> Gridwork:
    return (app or current_app).extensions[KEY]
