"""Metering a request: after a plugin permission was checked (``core.permissions.access.
note_use``), one spool line names the day, the node, the plugin, the action and the user.

One line per request and plugin, whatever the view checked how often ("never the same request
twice"); the action is the first permission of that plugin the request checked, the node the
first node a check named — or, for a view that only passed ``@require``, the node where the
user holds the permission. Form submissions read through the core's form reader add one line
each (which fields were offered, which were filled). Only successful answers (< 400) count.
"""

from flask import current_app, g, request

from core.auth.actor import current_actor
from core.permissions.access import scope_for
from core.state import state_of
from core.timeutil import today


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
    return response


def meter_use(permission, org_path, user_id=0):
    """One usage line for plugin work done outside a request (a scenario trigger running a
    block's action in the event dispatcher): the same line, spool and counts a request's
    permission checks produce. ``user_id`` 0: nobody in particular (system work)."""
    plugin = permission.split(".", 1)[0]
    if plugin == "core" or not org_path:
        return
    writer = state_of().usage_spool
    if writer is not None:
        writer.append_line(_use_line(today().isoformat(), org_path, plugin, permission, int(user_id)))


def _use_line(day, node, plugin, permission, user_id):
    # Tab-separated: paths, names and dates hold no tab or newline (checked when stored).
    return f"a\t{day}\t{node}\t{plugin}\t{permission}\t{user_id}\n"


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
