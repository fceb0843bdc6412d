"""The coverage board ``/special_visits/coverage``: a node's on-time rate, overdue count,
visits by form and weekly trend (charts from the core), the next level down as a table
(CSV/XLSX), and the alerts in force with their live progress (visited / due)."""

from flask import render_template, request, url_for

from core.public import (
    chart_download,
    csv_bytes,
    current_actor,
    file_response,
    get_session,
    make_chart,
    node_choices,
    node_filter,
    place_names,
    require,
    scope_for,
    today,
    xlsx_bytes,
)
from plugins.special_visits.coverage.queries import board
from plugins.special_visits.permissions import COVERAGE_READ
from plugins.special_visits.roster.alerts import alerts_in_force
from plugins.special_visits.visits.forms import FORMS

WEEKS = 8
HEADER = ["范围", "在册对象", "逾期", "近8周走访", "按时走访", "按时率(%)", "入户", "电话", "视频"]


def _figures():
    db, scope = get_session(), scope_for(current_actor, COVERAGE_READ)
    choices = node_choices(db, scope)
    found = node_filter(choices, request.args.get("node", ""), "范围")
    total, children, trend = board(db, scope, found.path if not found.problem else "", WEEKS)
    names = place_names(db, list(children))
    return db, scope, choices, found, total, children, trend, names


def _rows(children, names):
    for path, figures in children.items():
        rate = figures.on_time_rate
        yield [
            names.get(path, "（已撤销的节点）"),
            figures.entries,
            figures.overdue,
            figures.visits,
            figures.on_time,
            "" if rate is None else rate,
            *(figures.by_form.get(key, 0) for key in FORMS),
        ]


def _trend_chart(trend, node):
    return make_chart(
        "line",
        "每周走访次数",
        [f"{week:%m-%d}" for week, _, _ in trend],
        {"走访": [visits for _, visits, _ in trend], "按时": [on_time for _, _, on_time in trend]},
        label_title="周（起始日）",
        chart_id="sv-trend",
        download_url=url_for(".coverage_trend_csv", node=node),
    )


def _form_chart(total, node):
    return make_chart(
        "pie",
        "走访方式",
        list(FORMS.values()),
        {"次数": [total.by_form.get(key, 0) for key in FORMS]},
        label_title="方式",
        chart_id="sv-forms",
        download_url=url_for(".coverage_forms_csv", node=node),
    )


@require(COVERAGE_READ)
def coverage():
    db, scope, choices, found, total, children, trend, names = _figures()
    return render_template(
        "special_visits/coverage.html",
        total=total,
        rows=list(_rows(children, names)),
        header=HEADER,
        trend=_trend_chart(trend, found.path),
        forms=_form_chart(total, found.path),
        choices=choices,
        node=found.path,
        problem=found.problem,
        alerts=alerts_in_force(db, scope),
        weeks=WEEKS,
    )


def _export(extension):
    _db, _scope, _choices, found, _total, children, _trend, names = _figures()
    rows = list(_rows(children, names))
    day = today().isoformat()
    content = xlsx_bytes(HEADER, rows, title="走访覆盖率") if extension == "xlsx" else csv_bytes(HEADER, rows)
    return file_response(content, extension, f"走访覆盖率-{day}", f"visit-coverage-{day}")


@require(COVERAGE_READ)
def coverage_csv():
    return _export("csv")


@require(COVERAGE_READ)
def coverage_xlsx():
    return _export("xlsx")


@require(COVERAGE_READ)
def coverage_trend_csv():
    _db, _scope, _choices, found, _total, _children, trend, _names = _figures()
    return chart_download(_trend_chart(trend, found.path), "visit-trend")


@require(COVERAGE_READ)
def coverage_forms_csv():
    _db, _scope, _choices, found, total, _children, _trend, _names = _figures()
    return chart_download(_form_chart(total, found.path), "visit-forms")


def add_routes(pages, api):
    pages.add_url_rule("/coverage", "coverage", coverage)
    pages.add_url_rule("/coverage.csv", "coverage_csv", coverage_csv)
    pages.add_url_rule("/coverage.xlsx", "coverage_xlsx", coverage_xlsx)
    pages.add_url_rule("/coverage/trend.csv", "coverage_trend_csv", coverage_trend_csv)
    pages.add_url_rule("/coverage/forms.csv", "coverage_forms_csv", coverage_forms_csv)
