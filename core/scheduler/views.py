"""The jobs page (/jobs) and ``GET /api/v1/jobs``: every scheduled job with its schedule, last
run, next run and last error, for operators holding ``core.plugin_manage``."""

from flask import Blueprint, render_template

from core.api import api_route
from core.db import get_session
from core.permissions.access import require
from core.scheduler.overview import job_overview

bp = Blueprint("core_jobs", __name__)
MANAGE = "core.plugin_manage"


@bp.route("/jobs")
@require(MANAGE)
def index():
    return render_template("core/jobs/index.html", jobs=job_overview(get_session()))


@api_route(bp, "/api/v1/jobs", summary="定时任务：周期、上次运行、下次运行、上次错误", tags=["jobs"])
@require(MANAGE)
def api_jobs():
    return {"items": job_overview(get_session())}
