"""Charts (图表) from data a view supplies: ``make_chart`` checks the figures and returns the
dict the ``core/_charts.html`` macro draws — an Apache ECharts canvas for those with
JavaScript, the same figures as a table for screen readers and for those without, and a
CSV of them (``chart_download``). The browser builds the ECharts option (charts.js), so a
view never writes JavaScript and the table and the picture cannot disagree."""

import re
import zlib
from numbers import Real

from core.downloads import file_response
from core.spreadsheets.write import csv_bytes

KINDS = ("line", "bar", "pie", "scatter")
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")


def make_chart(kind, title, labels, series, *, label_title="项目", chart_id="", download_url="", right_axis=()):
    """A chart of ``kind`` (line, bar, pie or scatter) titled ``title``: ``labels`` along the
    axis (the pie's slices, the scatter's points) and ``series`` as {series name: [one number
    per label]} (a pie takes exactly one; a scatter exactly two, x then y, each 1–10, drawn
    with the four quadrants split at 5.5). ``label_title`` heads the labels' column in the table and the CSV;
    ``download_url`` is where the page serves ``chart_download`` of this chart (no link
    when empty). ``right_axis`` names line/bar series drawn against an axis of their own on
    the right (a count beside a percentage). Raises ValueError on figures that do not fit:
    a developer's mistake."""
    labels = [str(label) for label in labels]
    series = [(str(name), list(values)) for name, values in dict(series).items()]
    _check(kind, labels, series)
    _check_right_axis(kind, series, right_axis)
    return {
        "id": _NOT_ID.sub("-", chart_id or f"chart-{kind}-{zlib.crc32(title.encode()):08x}"),
        "kind": kind,
        "title": title,
        "label_title": label_title,
        "labels": labels,
        "series": [{"name": name, "values": values, "right": name in right_axis} for name, values in series],
        "rows": [[label, *(values[i] for _name, values in series)] for i, label in enumerate(labels)],
        "download_url": download_url,
    }


def chart_download(chart, ascii_stem="chart"):
    """The chart's table as a CSV file named after its title (through the core's CSV writer,
    so a label that looks like a formula stays text)."""
    header = [chart["label_title"], *(item["name"] for item in chart["series"])]
    return file_response(csv_bytes(header, chart["rows"]), "csv", chart["title"], ascii_stem)


def _check(kind, labels, series):
    if kind not in KINDS:
        raise ValueError(f"unknown chart kind {kind!r}; one of {KINDS}")
    if not series or (kind == "pie" and len(series) != 1) or (kind == "scatter" and len(series) != 2):
        raise ValueError("a pie takes exactly one series, a scatter two (x, y), other charts at least one")
    for name, values in series:
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
        if not all(isinstance(value, Real) and not isinstance(value, bool) for value in values):
            raise ValueError(f"series {name!r} holds a value that is not a number")


def _check_right_axis(kind, series, right_axis):
    names = {name for name, _values in series}
    if right_axis and (kind not in ("line", "bar") or not set(right_axis) <= names or set(right_axis) == names):
        raise ValueError("right_axis names some, not all, series of a line or bar chart")
