"""Metering a request: after a plugin permission was checked (``core.permissions.access.
note_use``), one spool line names the day, the node, the plugin, the action and the user.

One line per request and plugin, whatever the view checked how often ("never the same request
twice"); the action is the first permission of that plugin the request checked, the node the
first node a check named — or, for a view that only passed ``@require``, the node where the
user holds the permission. Form submissions read through the core's form reader add one line
each (which fields were offered, which were filled). Only successful answers (< 400) count.

A request inside a scenario adds ONE scenario line (``s``): the workbench page names the scenario
it shows (``meter_scenario``, kind ``open``), and a block's form sent from a workbench carries the
scenario in the ``SCENARIO_FIELD`` form field (kind ``action``). The core knows a scenario only as
an opaque id; the composer's placements hook gives its title. A forged field can only credit the
sender's own permission-checked request to some scenario, once; it adds no request to any module.
"""

import re

from flask import current_app, g, request
from markupsafe import Markup

from core.auth.actor import current_actor
from core.permissions.access import scope_for
from core.state import state_of
from core.timeutil import today

SCENARIO_FIELD = "gridwork_scenario"  # the hidden field a workbench adds to its blocks' forms
SCENARIO_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")  # fits the column, holds no tab or newline


def meter_response(response):
    """An ``after_request`` hook: write this request's usage lines to the process's spool."""
    uses = g.pop("usage_checks", None)
    forms = g.pop("usage_forms", None)
    if not uses or response.status_code >= 400 or not current_actor.is_authenticated:
        return response
    writer = state_of().usage_spool
    day = today().isoformat()
    nodes = {}
    user_id = current_actor.id
    for permission, (org_path, home) in uses.items():
        plugin = permission.split(".", 1)[0]
        if plugin in nodes:
            continue
        node = org_path or home or _home_node(permission)
        if node:
            nodes[plugin] = node
            writer.append_line(_use_line(day, node, plugin, permission, user_id))
    for form, shown, filled in forms or ():
        plugin = _form_plugin()
        if plugin in nodes:
            writer.append(["f", day, nodes[plugin], plugin, form, shown, filled])
    scenario, kind, node = _request_scenario(nodes)
    if scenario and node:
        writer.append_line(_scenario_line(day, node, scenario, kind, user_id))
    return response


def meter_scenario(scenario_id, org_path):
    """This request opened scenario ``scenario_id`` (its workbench page) at ``org_path``: one
    ``open`` line when the request ends, with the request's other usage lines."""
    if SCENARIO_ID.fullmatch(str(scenario_id)) and org_path:
        g.usage_scenario = (str(scenario_id), "open", org_path)


def scenario_field():
    """The hidden field a block's form carries on a scenario's workbench (a Jinja global, like
    ``csrf_token()``), so the form's request counts as an action of that scenario; "" elsewhere."""
    named = g.get("usage_scenario")
    if not named:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(SCENARIO_FIELD, named[0])


def _request_scenario(nodes):
    """(scenario, kind, node) of this request, or Nones: named by the view, else by the form."""
    named = g.pop("usage_scenario", None)
    if named:
        return named
    sent = request.form.get(SCENARIO_FIELD, "") if request.method == "POST" else ""
    if not SCENARIO_ID.fullmatch(sent) or not nodes:
        return None, None, None
    return sent, "action", next(iter(nodes.values()))


def meter_use(permission, org_path, user_id=0, scenario=None):
    """One usage line for plugin work done outside a request (a scenario trigger running a
    block's action in the event dispatcher): the same line, spool and counts a request's
    permission checks produce. ``user_id`` 0: nobody in particular (system work). With
    ``scenario`` (an opaque id), also one ``action`` of that scenario."""
    plugin = permission.split(".", 1)[0]
    if plugin == "core" or not org_path:
        return
    writer = state_of().usage_spool
    if writer is None:
        return
    day = today().isoformat()
    writer.append_line(_use_line(day, org_path, plugin, permission, int(user_id)))
    if scenario is not None and SCENARIO_ID.fullmatch(str(scenario)):
        writer.append_line(_scenario_line(day, org_path, str(scenario), "action", int(user_id)))


def _use_line(day, node, plugin, permission, user_id):
    # Tab-separated: paths, names and dates hold no tab or newline (checked when stored).
    return f"a\t{day}\t{node}\t{plugin}\t{permission}\t{user_id}\n"


def _scenario_line(day, node, scenario, kind, user_id):
    return f"s\t{day}\t{node}\t{scenario}\t{kind}\t{user_id}\n"


def note_form(schema, fields, data):
    """Called by ``core.forms.read_form``: which top-level fields this submission filled, by
    their titles (what the slimming list shows: names, not codes)."""
    titles = {spec.path[-1]: spec.title or spec.path[-1] for spec in fields}
    filled = [titles[name] for name in titles if data.get(name) not in (None, "", [], {})]
    g.setdefault("usage_forms", []).append((_form_name(schema), list(titles.values()), filled))


def _form_name(schema):
    """The form's title as the slimming list shows it. A schema without one is named after its
    module ("垃圾分类督导的表单"), never by the page's endpoint code, and the log says which
    page to give a title."""
    named = schema.get("title") or schema.get("$id")
    if named:
        return str(named)[:120]
    plugin = _form_plugin()
    _warn_untitled(request.endpoint)
    return f"{state_of().host.titles().get(plugin, '本模块')}的表单"[:120]


_untitled_seen = set()


def _warn_untitled(endpoint):
    if endpoint not in _untitled_seen:
        _untitled_seen.add(endpoint)
        current_app.logger.warning("form read at %s has no title: give its schema one for the slimming list", endpoint)


def _form_plugin():
    return state_of().blueprint_owners.get(request.blueprint or "", "")


def _home_node(permission):
    paths = scope_for(current_actor, permission).paths
    return paths[0] if paths else None
