"""The scenario builder's web face: pages under ``/scenarios`` and the API under
``/api/v1/scenarios``, both built per app by ``blueprints()``."""

from flask import Blueprint

from core.public import api_blueprint
from scenario_builder.permissions import PLUGIN
from scenario_builder.web import api, builder, pages

PACKAGE = "scenario_builder"


def blueprints():
    pages_blueprint = Blueprint(
        PLUGIN, PACKAGE, url_prefix="/scenarios", template_folder="templates", static_folder="static"
    )
    json_blueprint = api_blueprint(f"{PLUGIN}_api", PACKAGE, url_prefix="/scenarios")
    pages.add_routes(pages_blueprint)
    builder.add_routes(pages_blueprint)
    api.add_routes(json_blueprint)
    return [pages_blueprint, json_blueprint]
