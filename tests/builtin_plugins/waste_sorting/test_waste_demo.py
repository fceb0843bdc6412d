"""``gridwork demo`` gives waste sorting something to show — and the issue's "Done when" walks
through it: the grid worker records a failed inspection; the point's supervisor finds the
rectification with its deadline in the inbox; the community's trend shows the failure; the
masked wall shows household points; tampering with the ledger in the database is detected."""

import re
from datetime import timedelta

from sqlalchemy import text

from core.db import engine_of
from core.public import today
from core.testing import rows, signed_in_client
from core.testing.client import TEST_PASSWORD


def run_demo(app):
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    return result.output


def demo_with_test_password(app):
    """The database as ``gridwork demo`` leaves it, its accounts with the test password."""
    from core.demo import prepare_demo

    with app.app_context():
        prepare_demo(app, TEST_PASSWORD)


def test_the_demo_seeds_points_history_rectifications_and_points_once(app):
    first = run_demo(app)
    assert re.search(
        r"waste_sorting +投放点 16 处，8 周检查 \d+ 次（不合格 \d+ 次），整改中 2 处（逾期 1 处），户积分 \d+ 笔", first
    ), first
    communities = {r.org_path[:11] for r in rows(app, "SELECT org_path FROM waste_sorting_point")}
    assert len(communities) == 4
    weeks = rows(app, "SELECT DISTINCT week_start FROM waste_sorting_inspection")
    assert len(weeks) == 8
    assert "已存在，未重复添加" in run_demo(app)
    assert len(rows(app, "SELECT id FROM waste_sorting_point")) == 16


def test_done_when(app):
    demo_with_test_password(app)
    worker = signed_in_client(app, "grid_worker")
    work = worker.get("/").get_data(as_text=True)
    assert "今日待检" in work
    pick = worker.get("/waste_sorting/inspect").get_data(as_text=True)
    point_id = int(re.search(r'/waste_sorting/inspect/(\d+)"', pick).group(1))
    answer = worker.post(
        f"/waste_sorting/inspect/{point_id}",
        data={"failed": ["bins_full", "labels"], "client_key": "demo-done-when-0001"},
    )
    assert answer.status_code == 303

    supervisor = signed_in_client(app, "community_admin")
    titles = [item["title"] for item in supervisor.get("/api/v1/inbox?status=open").get_json()["items"]]
    (point_name,) = rows(app, "SELECT name FROM waste_sorting_point WHERE id = :p", p=point_id)[0]
    assert f"投放点需整改：{point_name}" in titles
    rectification = rows(
        app, "SELECT id FROM waste_sorting_rectification WHERE point_id = :p AND status = 'open'", p=point_id
    )
    page = supervisor.get(f"/waste_sorting/rectifications/{rectification[0].id}").get_data(as_text=True)
    assert "整改期限" in page

    trend = supervisor.get("/waste_sorting/trends?org=幸福社区").get_data(as_text=True)
    monday = today() - timedelta(days=today().weekday())
    row = re.search(rf'<th scope="row">{monday:%m-%d}周</th><td>([\d.]+)</td><td>(\d+)</td>', trend)
    assert row and float(row.group(1)) < 100 and int(row.group(2)) >= 1, "this week's failure is not on the chart"
    wall = supervisor.get("/waste_sorting/wall").get_data(as_text=True)
    assert re.search(r"[\u4e00-\u9fff]\*\*家", wall) and " 分" in wall

    assert app.test_cli_runner().invoke(args=["waste-points", "verify"]).exit_code == 0
    with engine_of(app).begin() as connection:
        connection.execute(
            text("DROP TRIGGER waste_sorting_points_entry_no_update")
        ) if connection.dialect.name == "sqlite" else connection.execute(
            text("ALTER TABLE waste_sorting_points_entry DISABLE TRIGGER USER")
        )
        connection.execute(text("UPDATE waste_sorting_points_entry SET points = 500 WHERE seq = 3"))
    broken = app.test_cli_runner().invoke(args=["waste-points", "verify"])
    assert broken.exit_code == 1 and "第 3 条流水被改动" in broken.output
