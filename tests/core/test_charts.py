"""Charts (core.ui.charts + core/_charts.html): a picture for those with JavaScript, the same
figures as a table for everyone, and a CSV of them."""

import json
import re
from html import unescape

import pytest

from core.public import chart_download, make_chart


def visits_chart(**extra):
    return make_chart("bar", "每日走访", ["12-01", "12-02"], {"走访": [3, 5], "逾期": [1, 0]}, **extra)


def render(app, chart):
    with app.test_request_context("/"):
        template = app.jinja_env.from_string('{% from "core/_charts.html" import chart %}{{ chart(c) }}')
        return template.render(c=chart)


def test_the_table_shows_every_figure_the_picture_draws(app):
    html = render(app, visits_chart(download_url="/things.csv"))
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", html)
    assert [(label, re.findall(r"<td>(\d+)</td>", cells)) for label, cells in rows] == [
        ("12-01", ["3", "1"]),
        ("12-02", ["5", "0"]),
    ]
    data = json.loads(unescape(re.search(r"data-chart='([^']*)'", html).group(1)))
    assert data["kind"] == "bar" and data["series"][1] == {"name": "逾期", "values": [1, 0], "right": False}
    assert 'href="/things.csv"' in html and "下载数据 (CSV)" in html


def test_a_label_cannot_break_out_of_the_data_attribute(app):
    html = render(app, make_chart("pie", "标签", ["it's <b>", "二"], {"人数": [1, 2]}))
    assert "<b>" not in html  # escaped in the table and in the JSON
    data = re.search(r"data-chart='([^']*)'", html).group(1)
    assert json.loads(unescape(data))["labels"] == ["it's <b>", "二"]


def test_the_download_is_the_table_as_csv_named_after_the_title(app):
    chart = make_chart("line", "每日记录", ["=cmd()", "12-02"], {"条数": [2, 4]}, label_title="日期")
    with app.test_request_context("/"):
        response = chart_download(chart, "daily")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "filename*=UTF-8''%E6%AF%8F%E6%97%A5%E8%AE%B0%E5%BD%95.csv" in response.headers["Content-Disposition"]
    lines = response.get_data().decode("utf-8-sig").splitlines()
    assert lines == ["日期,条数", "'=cmd(),2", "12-02,4"]  # a formula-looking label stays text


@pytest.mark.parametrize(
    "kind, labels, series",
    [
        ("radar", ["a"], {"x": [1]}),
        ("pie", ["a"], {"x": [1], "y": [2]}),
        ("bar", ["a", "b"], {"x": [1]}),
        ("line", ["a"], {"x": ["1"]}),
        ("bar", ["a"], {}),
    ],
)
def test_figures_that_do_not_fit_are_refused(kind, labels, series):
    with pytest.raises(ValueError):
        make_chart(kind, "图", labels, series)


@pytest.mark.parametrize("right_axis", [("走访", "逾期"), ("没有这个",)])
def test_a_right_axis_must_name_some_but_not_all_series(right_axis):
    with pytest.raises(ValueError):
        visits_chart(right_axis=right_axis)


def test_the_vendored_echarts_and_its_licence_are_served(client):
    for name in ("echarts.common.min.js", "LICENSE", "NOTICE"):
        response = client.get(f"/static/vendor/echarts/{name}")
        assert response.status_code == 200, name
        response.close()
