"""The plugin's web face: the pages (``/resident_info/…``) and the JSON API
(``/api/v1/resident_info/…``), plus the scenario blocks' HTML (``blocks``).

``blueprints()`` builds both blueprints for one app and has each route module add its
routes to them — explicitly, here: importing a module registers nothing, and every route
the plugin serves is reachable from this function."""

from flask import Blueprint

from core.public import api_blueprint
from plugins.resident_info.permissions import PLUGIN
from plugins.resident_info.web import api, documents, exports, held, imports, pages, stats

# Templates and static files are found from the plugin's folder (templates/resident_info/,
# static/resident_info/), not from web/.
PLUGIN_PACKAGE = __name__.rpartition(".")[0]
ROUTE_MODULES = (pages, api, exports, imports, held, documents, stats)


def blueprints():
    """``[pages, api]``, new for each app: ``hooks.gridwork_blueprints`` returns them."""
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
    """Personal data must not linger in shared or browser caches."""
    response.headers["Cache-Control"] = "no-store"
    return response
