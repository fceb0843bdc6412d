"""Trends (统计): the weekly pass-rate chart of the reader's scope (or one node of it), pass
rates by community or grid, the worst points, open and overdue rectifications, the items
failing most; the chart as CSV, and every inspection with its item results as CSV or XLSX
(each row naming the checklist version it was judged by)."""

from flask import request, url_for
from sqlmodel import select

from core.public import (
    DataScope,
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
    scope_of_model,
    today,
    xlsx_bytes,
)
from plugins.waste_sorting.checklists.services import by_id, version_label
from plugins.waste_sorting.models import Inspection, InspectionItem
from plugins.waste_sorting.permissions import READ
from plugins.waste_sorting.trends import queries
from plugins.waste_sorting.web.common import render

WEEKS = 8
EXPORT_LIMIT = 50_000


def _scope_and_filter():
    db, scope = get_session(), scope_for(current_actor, READ)
    choices = node_choices(db, scope)
    found = node_filter(choices, request.args.get("org", ""), "范围")
    if found.path:
        scope = narrowed(scope, found.path)
    return db, scope, choices, found


def narrowed(scope, path):
    """``scope`` cut down to the subtree at ``path`` — keeping the holes below it, where the
    plugin is switched off — or an empty scope when ``path`` is not inside it."""
    if not scope.covers(path):
        return DataScope(())
    for top, holes in scope.terms():
        if top == path or path.startswith(top + "/"):
            kept = tuple(h for h in holes if h.startswith(path + "/"))
            return DataScope.from_terms([(path, kept)])
    return DataScope(())


def trend_chart(db, scope, weeks=WEEKS, download_url="", figures=None):
    """The weekly pass-rate chart; ``figures`` when the caller counted them already."""
    figures = queries.weekly_pass_rates(db, scope, weeks) if figures is None else figures
    labels = [week.strftime("%m-%d") + "周" for week in queries.weeks_back(weeks)]
    rates = [queries.rate(*figures.get(week, (0, 0))) or 0 for week in queries.weeks_back(weeks)]
    counts = [figures.get(week, (0, 0))[0] for week in queries.weeks_back(weeks)]
    return make_chart(
        "line",
        "每周检查合格率（%）与检查次数",
        labels,
        {"合格率（%）": rates, "检查次数": counts},
        label_title="周",
        download_url=download_url,
        right_axis=("检查次数",),
    )


@require(READ)
def trends():
    db, scope, choices, found = _scope_and_filter()
    empty = bool(found.problem)
    level = "grid" if request.args.get("level") == "grid" else "community"
    weekly, places = ({}, {}) if empty else queries.board(db, scope, WEEKS, level)
    download = url_for(".trends_csv", org=request.args.get("org", ""))
    chart = trend_chart(db, scope, download_url=download, figures=weekly)
    open_count, overdue = (0, 0) if empty else queries.rectification_counts(db, scope)
    return render(
        "trends.html",
        chart=chart,
        choices=choices,
        problem=found.problem,
        level=level,
        places=_place_rows(db, places),
        worst=[] if empty else queries.worst_points(db, scope, WEEKS),
        items=[] if empty else queries.failing_items(db, scope, WEEKS),
        open_count=open_count,
        overdue=overdue,
        rate=queries.rate,
        org=request.args.get("org", ""),
    )


@require(READ)
def trends_csv():
    db, scope, _choices, found = _scope_and_filter()
    return chart_download(trend_chart(db, scope if not found.problem else DataScope(())), "waste-pass-rate")


@require(READ)
def inspections_export(extension):
    db, scope, _choices, found = _scope_and_filter()
    header = ["检查时间", "投放点编号", "所在地", "得分", "是否合格", "检查标准版本", "不合格项", "检查人", "备注"]
    rows = [] if found.problem else list(_export_rows(db, scope))
    day = today().isoformat()
    if extension == "xlsx":
        return file_response(
            xlsx_bytes(header, rows, title="督导检查"), "xlsx", f"督导检查-{day}", f"inspections-{day}"
        )
    return file_response(csv_bytes(header, rows), "csv", f"督导检查-{day}", f"inspections-{day}")


def _export_rows(db, scope):
    statement = scope_of_model(select(Inspection), scope, Inspection).order_by(Inspection.inspected_at.desc())
    inspections = db.exec(statement.limit(EXPORT_LIMIT)).all()
    names = place_names(db, {i.org_path for i in inspections})
    failed = {}
    ids = [i.id for i in inspections]
    for chunk in range(0, len(ids), 1000):
        items = select(InspectionItem).where(
            InspectionItem.inspection_id.in_(ids[chunk : chunk + 1000]), InspectionItem.passed.is_(False)
        )
        for item in db.exec(items).all():
            failed.setdefault(item.inspection_id, []).append(item.title)
    labels = {}
    for i in inspections:
        key = (i.checklist_id, i.street_checklist_id)
        if key not in labels:
            labels[key] = version_label(by_id(db, i.checklist_id), by_id(db, i.street_checklist_id))
        yield [
            i.inspected_at.strftime("%Y-%m-%d %H:%M"),
            i.point_id,
            names.get(i.org_path, ""),
            i.score,
            "合格" if i.passed else "不合格",
            labels[key],
            "、".join(failed.get(i.id, [])),
            i.inspector,
            i.note,
        ]


def _place_rows(db, places):
    names = place_names(db, list(places))
    weeks = queries.weeks_back(WEEKS)
    return [(names.get(path, ""), [by_week.get(w, (0, 0)) for w in weeks]) for path, by_week in sorted(places.items())]


def add_routes(pages, api):
    pages.add_url_rule("/trends", "trends", trends)
    pages.add_url_rule("/trends.csv", "trends_csv", trends_csv)
    pages.add_url_rule("/inspections.csv", "inspections_csv", lambda: inspections_export("csv"))
    pages.add_url_rule("/inspections.xlsx", "inspections_xlsx", lambda: inspections_export("xlsx"))
