"""Vendored third-party assets (Apache ECharts, …) at ``/static/vendor/…``: every asset is
served by the app itself, because many deployments sit on intranets without internet."""

from flask import Blueprint

bp = Blueprint("core_vendor", __name__, static_folder="static/vendor", static_url_path="/static/vendor")
