"""Charts drawn by the vendored ECharts in a real headless Chromium."""

import pytest
from flask import render_template_string

from core.public import make_chart
from core.testing import sign_in_page

pytestmark = pytest.mark.slow
PAGE = """{% from "core/_charts.html" import chart, chart_scripts %}<!doctype html><html>
<head><link rel="stylesheet" href="{{ url_for('core_ui.static', filename='core.css') }}"></head><body>
<div style="width:600px">{{ chart(c) }}</div>{{ chart_scripts() }}</body></html>"""


def axis_names(page, live_server, path):
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector(".chart-canvas svg")
    return page.locator(".chart-canvas svg text").all_text_contents()


def test_a_count_beside_a_percentage_is_read_on_an_axis_of_its_own(app, live_server, page, make_user):
    series = {"合格率（%）": [50, 100], "检查次数": [40, 3]}

    @app.get("/_test/chart/<mode>")
    def chart_page(mode):
        right = ("检查次数",) if mode == "two" else ()
        chart = make_chart("line", "合格率与次数", ["第1周", "第2周"], series, right_axis=right)
        return render_template_string(PAGE, c=chart)

    sign_in_page(page, live_server, make_user("community_admin", "c1").username)
    # Each series name is in the legend; with its own axis the count is named again at its top.
    assert axis_names(page, live_server, "/_test/chart/one").count("检查次数") == 1
    assert axis_names(page, live_server, "/_test/chart/two").count("检查次数") == 2
