"""One Casbin ``SyncedEnforcer`` per app, with a decision cache kept honest by a version counter.

Why a cache: ``enforce`` costs ~90 µs with this model, a dict lookup 0.3 µs (DESIGN §8).
Why a version counter: every policy write bumps ``core_policy_version`` in the same
transaction; each process reads the counter at most every ``POLICY_CHECK_INTERVAL``
seconds and reloads when it moved, so a revocation reaches every worker well within a
second without Redis.
"""

import threading
import time

import casbin
from sqlalchemy import text
from sqlalchemy_adapter import Adapter

from core.permissions.ids import package_name_of, user_subject
from core.permissions.models import CasbinRule
from core.tree.paths import covers, is_valid_path
from core.tree.regions import ALWAYS_ON, enabled_terms, intersect, term_covers

# Packages are defined once for every domain (p.dom == "*"); users are bound to packages
# at an org path in g rules, and the domain matching function makes that binding cover
# the subtree. ``p.dom == "*"`` (not a pattern match on r.dom) means a forged request
# domain can never widen a rule (library-notes §2.10).
MODEL_TEXT = """
[request_definition]
r = sub, dom, perm

[policy_definition]
p = sub, dom, perm

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && p.dom == "*" && r.perm == p.perm
"""

# pycasbin keeps a role graph per request domain, forever; cap it (library-notes §2.6).
MAX_CACHED_DOMAINS = 5000
MAX_CACHED_DECISIONS = 200_000


def build_enforcer(engine):
    model = casbin.Model()
    model.load_model_from_text(MODEL_TEXT)
    adapter = Adapter(engine, db_class=CasbinRule, create_table=False)
    enforcer = casbin.SyncedEnforcer(model, adapter)
    # Called as fn(request_domain, stored_domain).
    enforcer.add_named_domain_matching_func("g", lambda request, stored: covers(stored, request))
    enforcer.load_policy()
    return enforcer


def read_plugin_settings(engine):
    """{plugin: ((org path, state), …)} from core_plugin_setting, plus each subtree where the
    plugin is retired (core_lifecycle) as a "forbidden" entry: a retired module is off there
    whatever is enabled below, exactly as a county's forbid."""
    settings = {}
    with engine.connect() as conn:
        for plugin, path, state in conn.execute(text("SELECT plugin, org_path, state FROM core_plugin_setting")):
            settings.setdefault(plugin, []).append((path, state))
        for plugin, path in conn.execute(text(LIVE_LIFECYCLE + " AND state = 'retired'")):
            settings.setdefault(plugin, []).append((path, "forbidden"))
    return {plugin: tuple(rows) for plugin, rows in settings.items()}


LIVE_LIFECYCLE = "SELECT plugin, org_path FROM core_lifecycle WHERE restored_at IS NULL"


def read_read_only_paths(engine):
    """{plugin: (org path, …)} of the subtrees where the plugin's records may not change:
    frozen or retired (core_lifecycle)."""
    paths = {}
    with engine.connect() as conn:
        for plugin, path in conn.execute(text(LIVE_LIFECYCLE + " AND state IN ('frozen', 'retired')")):
            paths.setdefault(plugin, []).append(path)
    return {plugin: tuple(rows) for plugin, rows in paths.items()}


def owner_of(permission):
    return permission.split(".", 1)[0]


def read_policy_version(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT version FROM core_policy_version WHERE id = 1")).scalar_one()


class PolicyEngine:
    """Answers "may user U use permission P at org path X?" and "where may U use P?"."""

    def __init__(self, engine, check_interval=0.25):
        self._engine = engine
        self._check_interval = check_interval
        self._lock = threading.Lock()
        self._enforcer = build_enforcer(engine)
        self._plugin_terms = _terms_by_plugin(read_plugin_settings(engine))
        self._read_only = read_read_only_paths(engine)
        self._version = read_policy_version(engine)
        self._checked_at = time.monotonic()
        self._decisions = {}
        self._scopes = {}

    @property
    def enforcer(self):
        return self._enforcer

    def allows(self, user_id, permission, path):
        self._refresh_if_stale()
        # Write into the dict we read from: if a reload swaps it meanwhile, a decision
        # taken on the old policy lands in the discarded dict, never in the new one.
        decisions = self._decisions
        key = (user_id, permission, path)
        decision = decisions.get(key)
        if decision is None:
            if not is_valid_path(path):  # never cached: garbage must not fill the cache
                return False
            decision = self._enforce(user_subject(user_id), path, permission) and self.plugin_enabled(
                owner_of(permission), path
            )
            if len(decisions) >= MAX_CACHED_DECISIONS:
                decisions.clear()
            decisions[key] = decision
        return decision

    def scope_paths(self, user_id, permission):
        """Grant paths where the user holds ``permission`` (outermost only), ignoring
        whether the permission's plugin is enabled there."""
        self._refresh_if_stale()
        scopes = self._scopes
        key = (user_id, permission)
        paths = scopes.get(key)
        if paths is None:
            paths = self._compute_scope(user_id, permission)
            scopes[key] = paths
        return paths

    def scope_terms(self, user_id, permission):
        """[(subtree, holes)] where the user holds ``permission`` AND its plugin is enabled."""
        paths = self.scope_paths(user_id, permission)
        owner = owner_of(permission)
        if owner == ALWAYS_ON:
            return tuple((path, ()) for path in paths)
        return intersect(paths, self._plugin_terms.get(owner, ()))

    def plugin_enabled(self, plugin, path):
        """Is ``plugin`` enabled at org ``path``? The core always is."""
        if plugin == ALWAYS_ON:
            return True
        self._refresh_if_stale()
        return any(term_covers(term, path) for term in self._plugin_terms.get(plugin, ()))

    def plugin_read_only(self, plugin, path):
        """Is ``plugin`` frozen (or retired) at org ``path``: may its records not change there?"""
        if plugin == ALWAYS_ON:
            return False
        self._refresh_if_stale()
        return any(covers(frozen, path) for frozen in self._read_only.get(plugin, ()))

    def frozen_anywhere(self, plugin=None):
        """Is ``plugin`` (any plugin when None) frozen or retired at some node? Lets a write
        skip reading the rows it touches when nothing is frozen."""
        self._refresh_if_stale()
        return bool(self._read_only.get(plugin) if plugin else any(self._read_only.values()))

    def plugin_terms(self, plugin):
        self._refresh_if_stale()
        return self._plugin_terms.get(plugin, ())

    def grants_of(self, user_id):
        """[(package name, org path)] bound to the user, from the loaded policy."""
        self._refresh_if_stale()
        rules = self._enforcer.get_filtered_grouping_policy(0, user_subject(user_id))
        return [(package_name_of(rule[1]), rule[2]) for rule in rules]

    def package_permissions(self, package_name):
        self._refresh_if_stale()
        rules = self._enforcer.get_filtered_policy(0, f"pkg:{package_name}")
        return {rule[2] for rule in rules if rule[1] == "*"}

    def force_refresh(self):
        """Reload now (called after this process committed a policy change)."""
        self._checked_at = 0.0
        self._refresh_if_stale(always_reload=True)

    def _enforce(self, subject, path, permission):
        role_manager = self._enforcer.get_role_manager()
        if len(getattr(role_manager, "rm_map", ())) > MAX_CACHED_DOMAINS:
            role_manager.rm_map = {}
        return self._enforcer.enforce(subject, path, permission)

    def _compute_scope(self, user_id, permission):
        paths = {path for package, path in self.grants_of(user_id) if permission in self.package_permissions(package)}
        return tuple(sorted(p for p in paths if not any(covers(q, p) and q != p for q in paths)))

    def _refresh_if_stale(self, always_reload=False):
        now = time.monotonic()
        if not always_reload and now - self._checked_at < self._check_interval:
            return
        with self._lock:
            self._checked_at = now
            version = read_policy_version(self._engine)
            if always_reload or version != self._version:
                self._enforcer.load_policy()
                self._plugin_terms = _terms_by_plugin(read_plugin_settings(self._engine))
                self._read_only = read_read_only_paths(self._engine)
                self._decisions = {}
                self._scopes = {}
                self._version = version


def _terms_by_plugin(settings):
    return {plugin: enabled_terms(rows) for plugin, rows in settings.items()}
