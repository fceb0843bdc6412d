"""The cross-tenant matrix: every route × a role package × foreign tenants.

Routes are read from ``app.url_map``, so a route added later is walked too. The actor holds
its role package at its own community (``c1/s1/m1`` of the standard tree); ``c1/s1/m12`` is
a sibling whose id starts with ``m1`` (the prefix trap) and ``c1/s2/m2`` a cousin under
another street. In each tenant — own and foreign — every plugin enabled there creates
sample records through the ``gridwork_sample_records`` hook, each carrying the tenant's
marker (a unique text such as ``leak_m12_3fa9c1``); the core creates a user, grants, a token
and an audit entry the same way. Then, signed in as the actor, the matrix sends every
method of every route with its URL variables pointing at a foreign tenant's records, and
with a body aimed at that tenant, and reports:

- a foreign marker or org path in the response (a leak);
- anything but 404 (or 403 without the permission) from a route whose URL names a foreign
  record;
- 401 or a 5xx anywhere;
- a change to the foreign tenants' rows after a write (core tables, and every plugin table
  whose model declares ``__tenant_path_column__``, outside the actor's own subtree).

A third-party plugin runs it over its own routes::

    @pytest.mark.parametrize("package", default_package_names())
    def test_street_notes_keeps_tenants_apart(with_plugins, cross_tenant_matrix, package):
        app = with_plugins("street_notes", enabled_at="c1")
        cross_tenant_matrix(app, plugins=["street_notes"]).assert_no_leaks(package)
"""

import io
import re
import secrets
import zipfile
from dataclasses import dataclass, field

import pytest

from core.state import state_of

HOOK = "gridwork_sample_records"
CORE = "core"
OWN = "c1/s1/m1"
FOREIGN = ("c1/s1/m12", "c1/s2/m2")
# Routes that are not tenant-scoped by nature: sign-in, health, the API description, assets.
OPEN_ENDPOINTS = frozenset(
    {
        "static",
        "core_ui.static",
        "core_auth.login",
        "core_auth.logout",
        "core_meta.healthz",
        "core_meta.openapi_document",
        "core_auth_api.issue_token",
    }
)
# Core tables a refused write must leave untouched. Sessions, throttle and audit rows
# legitimately change while the matrix runs; tokens are checked for the foreign users only
# (the actor may create its own).
CORE_GUARDED = {
    "core_org_node": "SELECT id, parent_id, kind, name, path FROM core_org_node ORDER BY id",
    "core_user": "SELECT id, username, display_name, org_path, is_active, password_hash FROM core_user ORDER BY id",
    "core_casbin_rule": "SELECT id, ptype, v0, v1, v2 FROM core_casbin_rule ORDER BY id",
    "core_role_package": "SELECT name, title_zh, description FROM core_role_package ORDER BY name",
    "core_attachment": "SELECT id, record_id, org_path, removed_at FROM core_attachment ORDER BY id",
}
# Every field a write might take, aimed at the foreign tenant (its records' ids are added).
HOSTILE_FIELDS = {
    "package": "grid_feedback_worker",
    "name": "矩阵测试",
    "display_name": "矩阵测试",
    "username": "matrix_probe",
    "password": "matrix-probe-password",
    "is_active": False,
    "permissions": ["core.org_read"],
    "title_zh": "矩阵测试",
    "state": "enabled",
}


@dataclass
class Tenant:
    """One tenant of the matrix: its org path, its marker, and per plugin the URL variables
    its sample records fill (``{"core": {"user_id": 3, …}, "street_notes": {"record_id": 7}}``)."""

    path: str
    marker: str
    records: dict = field(default_factory=dict)

    def values_for(self, plugin):
        """The URL variables for a route of ``plugin``: the core's records, then the plugin's own."""
        return {**self.records.get(CORE, {}), **self.records.get(plugin, {})}


def default_package_names():
    """The names of the default role packages, to parametrize a matrix test with."""
    from core.permissions.defaults import DEFAULT_PACKAGES

    names = [package.name for package in DEFAULT_PACKAGES]
    assert names, "no default role packages: a matrix parametrized with them would run zero times"
    return names


def new_marker(path):
    """A marker no other tenant's contains (``leak_m1_…`` is not inside ``leak_m12_…``), made
    of lower-case letters, digits and underscores so it fits a username or a file name."""
    return f"leak_{path.rsplit('/', 1)[-1]}_{secrets.token_hex(3)}"


def plugin_enabled_at(app, plugin, path):
    from core.db import session_scope
    from core.plugin_system.enablement import settings_of
    from core.tree.regions import effective_state

    with app.app_context(), session_scope(app) as db:
        return effective_state(settings_of(db, plugin), path) == "enabled"


def plant_sample_records(app, path, marker=None):
    """A ``Tenant`` at ``path`` whose records every plugin enabled there (and the core) made
    through ``gridwork_sample_records``, each implementation in a transaction of its own."""
    from core.db import session_scope

    host = state_of(app).host
    tenant = Tenant(path, marker or new_marker(path))
    for plugin in host.loaded():
        if HOOK not in plugin.hooks or (plugin.name != CORE and not plugin_enabled_at(app, plugin.name, path)):
            continue
        with app.app_context(), session_scope(app) as db:
            results = host.call_for({plugin.name}, HOOK, session=db, org_path=path, marker=tenant.marker)
        tenant.records[plugin.name] = _checked_result(plugin.name, results)
    return tenant


def _checked_result(plugin, results):
    merged = {}
    for result in results:
        if not isinstance(result, dict) or not all(isinstance(key, str) for key in result):
            pytest.fail(f"{plugin}: {HOOK} must return a dict of URL variable name → value, not {result!r}")
        merged.update(result)
    return merged


def response_text(response):
    """The body as text; for a spreadsheet (.xlsx, a zip) the text of every part in it."""
    data = response.get_data()
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return data.decode("utf-8", "replace")


class CrossTenantMatrix:
    """Plants the tenants' sample records at construction; ``problems(package)`` walks.

    :param app: the app to walk (the ``app`` fixture's, or one from ``with_plugins``).
    :param make_user: the ``make_user`` fixture (the actor is created with it).
    :param plugins: walk only the routes of these plugins (``"core"`` for the core's);
        default: every route.
    :param enable_at: switch the walked plugins on at this org path first (audited, actor
        ``"test"``); otherwise they must be enabled at every tenant already, or the
        matrix refuses to run (it would only see the 404s of a plugin switched off).
    :param open_endpoints: further endpoints that are public by design (not walked).
    """

    def __init__(self, app, make_user, *, own=OWN, foreign=FOREIGN, plugins=None, enable_at=None, open_endpoints=()):
        self.app, self.make_user = app, make_user
        self.plugins = set(plugins) if plugins is not None else None
        self.open_endpoints = OPEN_ENDPOINTS | set(open_endpoints)
        walked = self._walked_plugins()
        if enable_at is not None:
            _enable(app, walked, enable_at)
        self._require_enabled(walked, [own, *foreign])
        self.own = plant_sample_records(app, own)
        self.foreign = [plant_sample_records(app, path) for path in foreign]
        self._shared = {
            name
            for name, value in self.own.records.get(CORE, {}).items()
            if all(tenant.records.get(CORE, {}).get(name) == value for tenant in self.foreign)
        }

    # ------------------------------------------------------------ what is walked

    def routes(self):
        """``[(rule, method, plugin)]`` walked; fails when there are none (a matrix over zero
        routes proves nothing)."""
        owners = state_of(self.app).blueprint_owners
        found = []
        for rule in self.app.url_map.iter_rules():
            if rule.endpoint in self.open_endpoints or rule.endpoint.endswith(".static"):  # plugins' assets
                continue
            plugin = owners.get(rule.endpoint.partition(".")[0], CORE)
            if self.plugins is not None and plugin not in self.plugins:
                continue
            found.extend((rule, method, plugin) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
        if not found:
            pytest.fail(
                f"the cross-tenant matrix found no routes to walk (plugins={sorted(self.plugins or [])}): "
                "is the plugin loaded, and are its blueprints registered?"
            )
        return found

    def _walked_plugins(self):
        owners = state_of(self.app).blueprint_owners
        loaded = set(owners.values())
        return sorted(loaded if self.plugins is None else loaded & self.plugins)

    def _require_enabled(self, plugins, paths):
        off = [(plugin, path) for plugin in plugins for path in paths if not plugin_enabled_at(self.app, plugin, path)]
        if off:
            pytest.fail(
                "the cross-tenant matrix needs the walked plugins enabled in every tenant, or it only sees "
                "their 404s: "
                + ", ".join(f"{plugin} is off at {path}" for plugin, path in off)
                + " (enable them, e.g. with_plugins(..., enabled_at='c1'), or pass enable_at='c1')"
            )

    def fill(self, rule, tenant, plugin):
        """The rule's URL with every variable pointing at ``tenant``'s records."""
        values = tenant.values_for(plugin)
        missing = [name for name in rule.arguments if name not in values]
        if missing:
            pytest.fail(
                f"the cross-tenant matrix cannot fill <{missing[0]}> in {rule.rule}: {plugin}'s {HOOK} "
                f"returns no {missing[0]!r} (return it for the record the plugin creates in the tenant; "
                "see docs/plugins.md)"
            )
        return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-zA-Z_]\w*)>", lambda m: str(values[m.group(1)]), rule.rule)

    def names_foreign_record(self, rule, plugin):
        """True when the URL names a tenant's record (not only things all tenants share,
        like a role package): the foreign request must then answer 404 (or 403)."""
        shared = self._shared | {
            name
            for name, value in self.own.records.get(plugin, {}).items()
            if all(t.records.get(plugin, {}).get(name) == value for t in self.foreign)
        }
        return bool(set(rule.arguments) - shared)

    # ------------------------------------------------------------ walking

    def problems(self, package):
        """Everything wrong, as lines, when an actor holding ``package`` at the own tenant
        walks every route at every foreign tenant."""
        from core.testing.client import signed_in_client

        client = signed_in_client(self.app, self.make_user(package, self.own.path))
        before = self.snapshot()
        problems = []
        for rule, method, plugin in self.routes():
            for tenant in self.foreign:
                url = self.fill(rule, tenant, plugin)
                response = self._send(client, rule, method, url, tenant, plugin)
                label = f"{package}: {method} {url} ({tenant.path})"
                if response.status_code == 401 or response.status_code >= 500:
                    problems.append(f"{label} → {response.status_code}")
                if self.names_foreign_record(rule, plugin) and response.status_code not in (403, 404):
                    problems.append(f"{label} → {response.status_code}, expected 404 (or 403 without the permission)")
                leaks = self.leaked_markers(response)
                if leaks:
                    problems.append(f"{label} shows {leaks}")
                if method != "GET":
                    after = self.snapshot()
                    if after != before:
                        changed = sorted(table for table in after if after[table] != before.get(table))
                        problems.append(f"{label} changed another tenant's records ({', '.join(changed)})")
                        before = after
        return problems

    def assert_no_leaks(self, package):
        problems = self.problems(package)
        assert not problems, "\n".join(problems)

    def _send(self, client, rule, method, url, tenant, plugin):
        if method == "GET":
            return client.get(url)
        values = tenant.values_for(plugin)
        body = {
            **values,
            "org_path": tenant.path,
            "parent_id": values.get("node_id"),
            "into": values.get("node_id"),
            **HOSTILE_FIELDS,
        }
        if rule.rule.startswith("/api/"):
            # Only the fields the route declares, so the refusal comes from the scope check,
            # not from "unknown field" validation.
            schema = (getattr(self.app.view_functions[rule.endpoint], "openapi", {}) or {}).get("body") or {}
            declared = schema.get("properties")
            return client.open(url, method, json={k: v for k, v in body.items() if declared is None or k in declared})
        return client.open(url, method, data={k: str(v) for k, v in body.items() if not isinstance(v, list)})

    def leaked_markers(self, response):
        text = response_text(response)
        return [marker for tenant in self.foreign for marker in (tenant.marker, tenant.path) if marker in text]

    # ------------------------------------------------------------ the foreign tenants' rows

    def snapshot(self):
        from sqlalchemy import text

        from core.db import engine_of

        with engine_of(self.app).connect() as conn:
            return {table: conn.execute(text(sql), params).all() for table, (sql, params) in self._guarded().items()}

    def _guarded(self):
        queries = {table: (sql, {}) for table, sql in CORE_GUARDED.items()}
        core_records = [tenant.records.get(CORE, {}) for tenant in self.foreign]
        users = [int(records["user_id"]) for records in core_records if "user_id" in records]
        if users:
            queries["core_api_token"] = (
                f"SELECT id, user_id, revoked_at FROM core_api_token WHERE user_id IN "
                f"({', '.join(map(str, users))}) ORDER BY id",
                {},
            )
        outside = {"own": self.own.path, "below": f"{self.own.path}/%"}
        for table, column in _plugin_tenant_tables(self.app):
            queries[table] = (
                f"SELECT * FROM {table} WHERE {column} <> :own AND {column} NOT LIKE :below ORDER BY 1",
                outside,
            )
        return queries


def _plugin_tenant_tables(app):
    """(table, tenant column) of every plugin model declaring ``__tenant_path_column__``
    whose table exists in the app's database."""
    from sqlalchemy import inspect
    from sqlmodel import SQLModel

    from core.db import engine_of

    existing = set(inspect(engine_of(app)).get_table_names())
    found = {}
    for mapper in SQLModel._sa_registry.mappers:
        column = getattr(mapper.class_, "__tenant_path_column__", None)
        name = mapper.local_table.name
        if column and not name.startswith("core_") and name in existing:
            found[name] = column
    return sorted(found.items())


def _enable(app, plugins, path):
    from core.db import session_scope
    from core.plugin_system.enablement import set_state

    host = state_of(app).host
    for plugin in plugins:
        with app.app_context(), session_scope(app) as db:
            set_state(db, host, plugin, path, "enabled", actor="test")


@pytest.fixture
def cross_tenant_matrix(app, org_tree, make_user):
    """``cross_tenant_matrix(app=None, plugins=None, enable_at=None, …)`` → a ``CrossTenantMatrix``
    over the standard tree (the ``app`` fixture's app unless another is given); then
    ``.assert_no_leaks(package)`` or ``.problems(package)``. See ``CrossTenantMatrix``."""

    def build(target=None, **options):
        return CrossTenantMatrix(target or app, make_user, **options)

    return build
