"""居民统计: counts per grid (by name), per tag and per age band — only of the reader's own
nodes, health tags only for those who may see them — as charts, tables and CSV."""

import re
from datetime import date

import pytest
from resident_helpers import make_id, register


def born(years_ago):
    return date(date.today().year - years_ago, 1, 1).strftime("%Y%m%d")


@pytest.fixture
def spread(client, login_as, enabled):
    login_as("county_admin", "c1")
    people = [
        ("c1/s1/m1/g1", 85, [{"tag": "独居老人"}, {"tag": "残疾", "level": 2}]),
        ("c1/s1/m1/g1", 72, [{"tag": "独居老人"}]),
        ("c1/s1/m1/g1", 30, []),
        ("c1/s2/m2/g2", 10, [{"tag": "留守儿童"}]),
    ]
    for n, (grid, age, tags) in enumerate(people):
        register(client, name=f"居民{n}", org_path=grid, id_number=make_id(born(age), f"{n}21"), tags=tags, phone=None)
    client.logout()


def table_of(html, chart_id):
    figure = re.search(rf'<figure class="chart card" id="{chart_id}">(.*?)</figure>', html, re.S).group(1)
    return dict(re.findall(r'<th scope="row">(.*?)</th><td>(\d+)</td>', figure))


def test_a_county_reader_sees_every_grid_by_name_and_every_band(client, login_as, spread):
    login_as("county_admin", "c1")
    html = client.get("/resident_info/stats").get_data(as_text=True)
    assert table_of(html, "residents-grids") == {"幸福社区 › 幸福一网格": "3", "青山村 › 青山二网格": "1"}
    assert table_of(html, "residents-tags") == {"独居老人": "2", "残疾": "1", "留守儿童": "1"}
    ages = table_of(html, "residents-ages")
    assert (ages["0–17 岁"], ages["18–59 岁"], ages["60–69 岁"], ages["70–79 岁"], ages["80 岁及以上"]) == (
        "1",
        "1",
        "0",
        "1",
        "1",
    )
    assert "c1/s1" not in html and "共 4 人" in html


def test_a_grid_worker_counts_only_their_grid_and_no_health_tags(client, login_as, spread):
    login_as("grid_feedback_worker", "c1/s1/m1/g1")
    html = client.get("/resident_info/stats").get_data(as_text=True)
    assert table_of(html, "residents-grids") == {"幸福社区 › 幸福一网格": "3"}
    assert table_of(html, "residents-tags") == {"独居老人": "2"}  # 残疾 is a health tag: not theirs to see
    assert "青山" not in html and "留守儿童" not in html


def test_each_chart_downloads_as_the_same_figures(client, login_as, spread):
    login_as("community_admin", "c1/s1/m1")
    response = client.get("/resident_info/stats/download?chart=grids")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.get_data().decode("utf-8-sig").splitlines() == ["网格,人数", "幸福社区 › 幸福一网格,3"]
    assert client.get("/resident_info/stats/download?chart=nothing").status_code == 404


def test_the_menu_offers_the_statistics(client, login_as, spread):
    login_as("grid_feedback_worker", "c1/s1/m1/g1")
    nav = re.search(r'<nav id="nav".*?</nav>', client.get("/").get_data(as_text=True), re.S).group(0)
    assert "居民统计" in nav
