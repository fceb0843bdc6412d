"""``/resident_info/stats`` (居民统计): residents per grid, per tag and per age band inside
the reader's data scope, each as a chart beside its table, with a CSV of the same figures."""

from flask import abort, render_template, request, url_for

from core.public import chart_download, get_session, make_chart, require
from plugins.resident_info.permissions import PLUGIN, READ
from plugins.resident_info.register import stats
from plugins.resident_info.web.current import current_access

# name: (kind, title, label column, figures)
CHARTS = {
    "grids": ("bar", "各网格居民人数", "网格", stats.per_grid),
    "tags": ("bar", "各标签居民人数", "标签", stats.per_tag),
    "ages": ("pie", "年龄分布", "年龄段", stats.per_age_band),
}


def _chart(name):
    kind, title, label_title, figures = CHARTS[name]
    counted = figures(get_session(), current_access())
    return make_chart(
        kind,
        title,
        [label for label, _n in counted],
        {"人数": [n for _label, n in counted]},
        label_title=label_title,
        chart_id=f"residents-{name}",
        download_url=url_for(".stats_csv", chart=name),
    )


@require(READ)
def stats_page():
    charts = [_chart(name) for name in CHARTS]
    return render_template(f"{PLUGIN}/stats.html", charts=charts, total=sum(charts[-1]["series"][0]["values"]))


@require(READ)
def stats_csv():
    name = request.args.get("chart", "")
    if name not in CHARTS:
        abort(404)
    return chart_download(_chart(name), f"residents-{name}")


def add_routes(pages, api):
    pages.add_url_rule("/stats", view_func=stats_page)
    pages.add_url_rule("/stats/download", view_func=stats_csv)
