"""The plugin's web face: pages under ``/special_visits/…``, JSON under
``/api/v1/special_visits/…``, and the scenario blocks' HTML (``blocks``)."""

from flask import Blueprint

from core.public import api_blueprint
from plugins.special_visits.permissions import PLUGIN
from plugins.special_visits.web import api, coverage, groups, roster, visit

PLUGIN_PACKAGE = __name__.rpartition(".")[0]
ROUTE_MODULES = (roster, visit, groups, coverage, api)


def blueprints():
    pages_blueprint = Blueprint(
        PLUGIN, PLUGIN_PACKAGE, url_prefix=f"/{PLUGIN}", template_folder="templates", static_folder="static"
    )
    json_blueprint = api_blueprint(f"{PLUGIN}_api", PLUGIN_PACKAGE, url_prefix=f"/{PLUGIN}")
    for blueprint in (pages_blueprint, json_blueprint):
        blueprint.after_request(never_cache)
    for module in ROUTE_MODULES:
        module.add_routes(pages_blueprint, json_blueprint)
    return [pages_blueprint, json_blueprint]


def never_cache(response):
    """Names and addresses of vulnerable people must not linger in caches."""
    response.headers["Cache-Control"] = "no-store"
    return response
