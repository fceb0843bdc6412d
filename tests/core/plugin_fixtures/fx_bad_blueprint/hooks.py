"""A blueprint named after someone else."""

from flask import Blueprint

from core.public import hookimpl


@hookimpl
def gridwork_blueprints():
    bp = Blueprint("stranger", __name__, url_prefix="/stranger")
    bp.add_url_rule("/", "index", lambda: "不该出现")
    return [bp]
