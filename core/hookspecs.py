"""Every hook a Gridwork plugin can implement, grouped by when it is called.

Hooks return data; the core registers, wraps, checks and de-duplicates it. A plugin never
mutates the app. Implementations are module-level functions in the plugin's ``hooks.py``
marked ``@hookimpl`` (``from core.public import hookimpl``); they may accept fewer
parameters than the spec (pluggy's opt-in arguments) but must never give a parameter a
default value (pluggy 1.6 and 1.7 disagree on defaults).

The core calls each plugin's implementation separately, so it knows whose result is whose:
a plugin whose startup hook raises is disabled with the error shown on the plugins page,
and the others load. Hooks that concern one org node are only called for plugins enabled
at that node.

The plugin guide (docs/plugins.md) has one section per hook; a contract test fails when a
hook lacks a docstring, a guide section or a test.
"""

from collections.abc import Mapping

import pluggy

PROJECT = "gridwork"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# ---------------------------------------------------------------- startup: contribute to the app
# Called once per app, inside create_app, before the first request. Each returns a list
# (or None for nothing); the core merges the lists of all plugins.


@hookspec
def gridwork_blueprints(config: Mapping) -> list:
    """Flask blueprints with the plugin's pages and JSON API.

    Called once in ``create_app``. Each blueprint's name must be the plugin name or start
    with ``<plugin>_``; API blueprints use ``url_prefix="/api/v1/<plugin>"`` and page
    blueprints ``url_prefix="/<plugin>"``.

    :param config: the app's configuration (read-only).
    :return: a list of ``flask.Blueprint``; the core registers them.
    """


@hookspec
def gridwork_permissions(config: Mapping) -> list:
    """Permissions beyond those the manifest lists (rarely needed: prefer the manifest).

    :param config: the app's configuration (read-only).
    :return: a list of ``core.public.Permission`` named ``<plugin>.<action>``; duplicates
        of any other permission stop the plugin from loading.
    """


@hookspec
def gridwork_event_types(config: Mapping) -> list:
    """Event types beyond those the manifest's ``events.emits`` declares.

    :param config: the app's configuration (read-only).
    :return: a list of ``core.public.EventType`` named ``<plugin>.<past_tense>``, each with
        a JSON Schema for its payload.
    """


@hookspec
def gridwork_event_handlers(config: Mapping) -> list:
    """Subscriptions: which events the plugin handles and how.

    A handler is called as ``handler(event, session)`` in its own transaction, at least
    once per event; it must be idempotent by ``event.id`` for effects outside the database.
    It is not called for events at org nodes where the plugin is disabled.

    :param config: the app's configuration (read-only).
    :return: a list of ``core.public.EventHandler`` (event type, ``<plugin>.<name>``, callable).
    """


@hookspec
def gridwork_blocks(config: Mapping) -> list:
    """Scenario blocks the plugin offers to the scenario builder, and how each renders.

    :param config: the app's configuration (read-only).
    :return: a list of ``core.public.BlockType``; its ``settings_schema`` must match the
        manifest's block entry of the same name, and ``render(settings, context)`` returns
        HTML for the workbench.
    """


@hookspec
def gridwork_nav_entries(config: Mapping) -> list:
    """Navigation entries, each naming the permission it needs.

    The core shows an entry only to actors holding that permission somewhere the plugin
    is enabled: a plugin cannot forget to hide itself.

    :param config: the app's configuration (read-only).
    :return: a list of ``core.public.NavEntry``.
    """


@hookspec
def gridwork_cli_commands(config: Mapping) -> list:
    """Commands added to the ``gridwork`` command line.

    :param config: the app's configuration (read-only).
    :return: a list of ``click.Command`` (or ``flask.cli.AppGroup``); each name must be the
        plugin name or start with ``<plugin>-`` (a group named after the plugin is best).
    """


@hookspec
def gridwork_services(config: Mapping) -> dict:
    """Services other plugins may call through the core, e.g. "resident by id".

    Other plugins call ``core.public.call_service(name, **kwargs)``; they never import
    this plugin.

    :param config: the app's configuration (read-only).
    :return: a dict of ``"<plugin>.<service>"`` → callable.
    """


@hookspec
def gridwork_scheduled_jobs(config: Mapping) -> list:
    """Jobs the core runs on a schedule — every N minutes, daily at a time, quarterly — in
    the deployment's zone, exactly once per period across every process.

    A job is called as ``run(context)`` with ``context.session`` (its transaction commits
    together with the record that the period ran), ``context.now``, ``context.period`` and
    ``context.scope`` — the org nodes where this plugin is enabled; it must act only there.

    :param config: the app's configuration (read-only).
    :return: a list of ``core.public.ScheduledJob`` named ``<plugin>.<job>``.
    """


# ---------------------------------------------------------------- runtime: per org node


@hookspec
def gridwork_usage_figures(org_path: str) -> dict:
    """ "Is this module in use?" — counts the plugin knows best, for the slimming list.

    Called only for plugins enabled at ``org_path``.

    :param org_path: the org node (materialised path) the figures are for, subtree included.
    :return: a dict of figure name → integer, e.g. ``{"residents": 2113}``.
    """


@hookspec
def gridwork_block_placements(session, org_path: str) -> dict:
    """How published scenarios place each module's blocks at ``org_path`` — for the slimming
    list and the impact preview. The scenario builder implements it; any other composer of
    blocks may too (results are added up per module).

    Called on every loaded plugin, inside the request (read only). A scenario counts when it
    is owned at or under ``org_path`` or published to a node there. An implementation that
    raises is left out.

    :param session: the request's database session.
    :param org_path: the node (materialised path), subtree included.
    :return: ``{plugin: {"scenarios": int, "titles": [scenario title, …], "placed": [{"id": str,
        "title": str, "url": str}, …]}}`` — ``id`` is the opaque id the composer meters the
        scenario's use under (``meter_scenario``); the core reads each one's opens and users.
    """


@hookspec
def gridwork_open_work(org_path: str) -> dict:
    """Work still open at ``org_path`` that retiring the module there would strand (overdue
    visits, open rectifications, import rows waiting to be checked) — for the impact preview
    shown before each lifecycle step.

    Called only on the plugin concerned, inside the request (use ``get_session()``, scoped to
    ``DataScope((org_path,))``). An implementation that raises is left out of the preview.

    :param org_path: the node (materialised path) about to change, subtree included.
    :return: a dict of Chinese description → count, e.g. ``{"待核对的导入行": 3}``; zero counts
        may be left out.
    """


@hookspec
def gridwork_workbench_items(session, actor) -> list:
    """What the signed-in person can act on today, for their workbench (工作台): counts with
    a link — "待走访 5 人，其中逾期 2" — gathered from every plugin on each page view.

    Count only inside ``core.public.scope_for(actor, <your permission>)`` (it already leaves
    out the nodes where your plugin is switched off) and return ``[]`` where it is empty. Keep
    it to a few indexed COUNT queries: it runs on every visit to the home page. An
    implementation that raises is logged and left out of that page; the others still show.

    :param session: the request's database session (read only).
    :param actor: the signed-in person (``core.public.current_actor``).
    :return: a list of ``core.public.WorkItem``.
    """


@hookspec
def gridwork_demo_data(session, county_path: str, org_nodes: list, folder: str) -> dict:
    """Example records for ``gridwork demo``: what a visitor of the demo county should find.

    Called once per plugin by ``gridwork demo``, after the demo tree and accounts were
    committed and the plugin was enabled at the county root (plugins an admin switched off
    there are not called), in a transaction of its own: add and flush, never commit — the
    demo commits, or rolls back and prints the error when the implementation raises (the
    other plugins' data stays). It must be idempotent (a second ``gridwork demo`` adds
    nothing) and deterministic (seeded random, fixed dates), and write its own audit entry.

    :param session: the database session of this plugin's demo transaction.
    :param county_path: the demo county's org path (``"c01"``).
    :param org_nodes: the county's org nodes as dicts ``{"path", "parent_path", "kind",
        "name"}``, root first (plugins cannot read the core's tables themselves).
    :param folder: the instance folder, where the plugin may write demo files (files a
        visitor downloads or imports); overwrite them on every run.
    :return: ``{"summary": "<one line in Chinese>", "files": [paths written]}`` (or None
        for nothing); the demo prints each plugin's summary and files under its name.
    """


# ---------------------------------------------------------------- tests: the cross-tenant matrix


@hookspec
def gridwork_sample_records(session, org_path: str, marker: str) -> dict:
    """Sample records of this plugin in one tenant, so the cross-tenant matrix
    (``core.testing.cross_tenant``) can aim every route of the plugin at another tenant's data.

    Called only by tests: once per tenant the matrix sets up (the actor's own community and
    the foreign ones), on each plugin enabled at ``org_path``, in a transaction of its own —
    add and flush, never commit (the matrix commits). Create at ``org_path`` one record of
    every kind a route of the plugin names in its URL, and put ``marker`` where a reader
    would see it (a name, a title, a file name): the matrix fails when a foreign tenant's
    marker appears in any response. Write through the plugin's own models, not its HTTP API.

    :param session: the database session of this call's transaction.
    :param org_path: the tenant's org node (``"c1/s1/m12"``); the records belong to it.
    :param marker: unique text of this tenant (``"leak_m12_3fa9c1"``: lower-case letters,
        digits and underscores), to store in the records.
    :return: a dict URL variable name → value for the records created, e.g.
        ``{"record_id": 7}``: the matrix fills ``<record_id>`` in the plugin's routes with it
        (the core's own variables, such as ``node_id`` and ``user_id``, are filled for every
        route). Not combined across plugins: each plugin's routes get its own values. A
        variable with the same value in every tenant names something shared (not tenant
        data), and the matrix then expects no 404 for it.
    """


# ---------------------------------------------------------------- lifecycle notifications


@hookspec
def gridwork_lifecycle_changed(plugin: str, org_path: str, old_state: str, new_state: str) -> None:
    """The plugin's state at an org node changed (enabled, disabled, forbidden; later also
    frozen, retired). Called only on the plugin concerned, after the change committed.

    Use it to prepare or tidy per-node data; never to delete records (retirement never
    loses a record).

    :param plugin: the plugin's name.
    :param org_path: the node whose setting changed (it applies to its subtree).
    :param old_state: the effective state before (``"enabled"``, ``"disabled"``, …; for a
        retirement step ``"active"``, ``"flagged"``, ``"frozen"`` or ``"retired"``).
    :param new_state: the effective state after (a retirement step: ``"flagged"``,
        ``"frozen"``, ``"retired"``, ``"restored"`` or ``"purged"``).
    :return: nothing.
    """


HOOK_NAMES = tuple(name for name in dir() if name.startswith("gridwork_"))
STARTUP_HOOKS = (
    "gridwork_scheduled_jobs",
    "gridwork_blueprints",
    "gridwork_permissions",
    "gridwork_event_types",
    "gridwork_event_handlers",
    "gridwork_blocks",
    "gridwork_nav_entries",
    "gridwork_cli_commands",
    "gridwork_services",
)
