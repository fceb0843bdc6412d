"""A page, a JSON API, a menu entry and a workbench line, all behind ``fx_pages.view``."""

from flask import Blueprint

from core.public import NavEntry, WorkItem, api_blueprint, api_route, hookimpl, require, scope_for


def _page_blueprint():
    bp = Blueprint("fx_pages", __name__, url_prefix="/fx_pages")

    @bp.route("/")
    @require("fx_pages.view")
    def index():
        return "<h1>测试页面</h1>"

    return bp


def _api_blueprint():
    bp = api_blueprint("fx_pages_api", __name__)

    @api_route(bp, "/fx_pages/hello", summary="测试接口", tags=["fx_pages"])
    @require("fx_pages.view")
    def hello():
        return {"greeting": "你好"}

    return bp


@hookimpl
def gridwork_blueprints():
    return [_page_blueprint(), _api_blueprint()]


@hookimpl
def gridwork_nav_entries(config):
    # FX_PAGES_NAV_PERMISSION lets a test see what the menu does with another permission (or None).
    return [NavEntry("fx_pages.index", "测试页面", config.get("FX_PAGES_NAV_PERMISSION", "fx_pages.view"), 70)]


BROKEN = False  # a test sets it to see a failing workbench count leave the page standing


@hookimpl
def gridwork_workbench_items(actor):
    if BROKEN:
        raise RuntimeError("故意出错")
    if not scope_for(actor, "fx_pages.view").paths:
        return []
    return [WorkItem("待复查整改", 3, "/fx_pages/", unit="处", overdue=1, order=10)]
