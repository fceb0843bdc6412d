"""Small things every page module needs: rendering with the plugin's titles, the
communities a person may pick, and the client key of a record sent from a phone."""

import uuid

from flask import render_template

from core.public import ApiError, node_choices
from plugins.waste_sorting.permissions import PLUGIN
from plugins.waste_sorting.points.services import BIN_TYPES, STATUS_TITLES


def render(template, **context):
    return render_template(f"{PLUGIN}/{template}", bin_titles=BIN_TYPES, status_titles=STATUS_TITLES, **context)


def community_choices(db, scope):
    """The communities inside ``scope`` (a points wall, rules and ledgers are per community)."""
    return [choice for choice in node_choices(db, scope) if choice.path.count("/") == 2]


def chosen(choices, wanted):
    """The choice whose path is ``wanted``, else the first one (None when there are none)."""
    return next((c for c in choices if c.path == wanted), choices[0] if choices else None)


def client_key_from(form):
    """The phone's key for this record (a UUID), or None when the form carries none.
    Interim: the same contract as the core's offline mechanism (``client_key_of``)."""
    value = (form.get("client_key") or "").strip()
    if not value:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ApiError(422, "记录标识（client_key）格式不正确，请刷新页面后重试。", pointer="/client_key") from None
