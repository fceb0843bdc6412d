"""Small things every page module needs: rendering with the plugin's titles and the
communities a person may pick."""

from flask import render_template

from core.public import node_choices
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
