"""What supervisors read: the workbench line "今日待检 N 处，待复查 M 处", the weekly pass-rate
chart and its downloads, the worst points and failing items, and the four scenario blocks."""

import io

import pytest
from openpyxl import load_workbook
from waste_helpers import inspect, make_household, make_point

from core.auth.actor import Actor
from core.state import state_of

M1 = "c1/s1/m1"
FAIL = ["bins_full", "labels"]


def test_the_workbench_counts_todays_points_and_open_rectifications(app, client, login_as, enabled):
    login_as("community_admin", M1)
    first, second = make_point(client), make_point(client, name="5栋南侧投放点")
    page = client.get("/").get_data(as_text=True)
    assert "今日待检" in page and "待复查 0 处" in page

    inspect(client, first, failed=FAIL)
    page = client.get("/").get_data(as_text=True)
    assert "待复查 1 处" in page
    assert second


def test_the_trend_page_shows_the_weeks_failure_and_downloads_it(app, client, login_as, enabled):
    login_as("community_admin", M1)
    point = make_point(client)
    inspect(client, point, failed=FAIL)
    inspect(client, point)

    page = client.get("/waste_sorting/trends").get_data(as_text=True)
    assert "每周检查合格率（%）" in page and "50.0" in page  # one of two passed this week
    assert "3栋北侧投放点" in page and "分类标识清楚完整" in page  # worst point, failing item
    assert "待整改 0 处" in page  # the second inspection was its re-check, and passed
    csv = client.get("/waste_sorting/trends.csv")
    assert csv.status_code == 200 and "合格率" in csv.get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(client.get("/waste_sorting/inspections.xlsx").data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:5] == ["检查时间", "投放点编号", "所在地", "得分", "是否合格"]
    assert {row[4] for row in values[1:]} == {"合格", "不合格"}


def test_a_trend_filter_naming_no_node_says_so_and_shows_nothing(app, client, login_as, enabled):
    login_as("community_admin", M1)
    inspect(client, make_point(client), failed=FAIL)
    page = client.get("/waste_sorting/trends?org=不存在的社区").get_data(as_text=True)
    assert "范围" in page and "不存在的社区" not in page.split("</form>")[1]


@pytest.fixture
def viewer(make_user):
    return Actor.from_user(make_user("community_admin", M1))


def render_block(app, name, settings, actor, org_path=M1):
    block, schema = state_of(app).blocks[("waste_sorting", name)]
    assert schema["type"] == "object"
    with app.test_request_context():
        return block.render(settings, {"org_path": org_path, "actor": actor})


def test_the_blocks_show_points_rectifications_wall_and_trend(app, client, login_as, enabled, viewer):
    login_as("community_admin", M1)
    point = make_point(client)
    other = make_point(client, name="5栋南侧投放点")
    inspect(client, point, failed=FAIL)
    household = make_household(app)
    client.post("/waste_sorting/award", data={"community": M1, "household_id": household, "action": "correct_sorting"})

    chosen = render_block(app, "inspection_form", {"point_ids": [other]}, viewer)
    assert "5栋南侧投放点" in chosen and "3栋北侧投放点" not in chosen
    assert "3栋北侧投放点" in render_block(app, "open_rectifications", {"limit": 5}, viewer)
    wall = render_block(app, "points_wall", {"limit": "many"}, viewer)  # untrusted settings fall back
    assert "王**家" in wall and "王建国" not in wall
    assert "每周检查合格率" in render_block(app, "trend_chart", {"weeks": 4}, viewer)


def test_the_usage_figures_count_points_and_recent_inspections(app, client, login_as, enabled):
    login_as("community_admin", M1)
    inspect(client, make_point(client))
    login_as("county_admin", "c1")
    figures = client.get("/api/v1/plugins/usage/m1").get_json()["figures"]["waste_sorting"]
    assert figures == {"points": 1, "inspections_last_30_days": 1}
    assert client.get("/api/v1/plugins/usage/m2").get_json()["figures"]["waste_sorting"]["points"] == 0
