"""The plugin's web face: pages under ``/waste_sorting/…``, JSON under
``/api/v1/waste_sorting/…``, and the scenario blocks' HTML (``blocks``). ``blueprints()``
builds both blueprints for one app and has each route module add its routes."""

from flask import Blueprint

from core.public import api_blueprint
from plugins.waste_sorting.permissions import PLUGIN
from plugins.waste_sorting.web import api, checklists, inspect, ledger, points, rectifications, trends

PLUGIN_PACKAGE = __name__.rpartition(".")[0]  # templates/ and static/ live in the plugin's folder
ROUTE_MODULES = (inspect, points, checklists, rectifications, ledger, trends, api)


def blueprints():
    pages = Blueprint(
        PLUGIN, PLUGIN_PACKAGE, url_prefix=f"/{PLUGIN}", template_folder="templates", static_folder="static"
    )
    json_api = api_blueprint(f"{PLUGIN}_api", PLUGIN_PACKAGE, url_prefix=f"/{PLUGIN}")
    for module in ROUTE_MODULES:
        module.add_routes(pages, json_api)
    return [pages, json_api]
