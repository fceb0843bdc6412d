"""Household points as a community sees them: awarded by the community's rules up to the
daily cap, shown on the wall with names masked as the county chose, corrected only by a
reversing entry with a reason; the ledger refuses edits through the API and in the database,
and its verify command names the entry someone changed in the database file."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from waste_helpers import make_household

from core.db import engine_of
from core.testing import assert_published, rows

M1 = "c1/s1/m1"


@pytest.fixture
def household(app, client, login_as, enabled):
    household_id = make_household(app)
    login_as("community_admin", M1)
    return household_id


def award(client, household_id, action="correct_sorting"):
    return client.post("/waste_sorting/award", data={"community": M1, "household_id": household_id, "action": action})


def wall(client):
    return client.get(f"/waste_sorting/wall?community={M1}").get_data(as_text=True)


def test_points_appear_on_the_wall_masked_as_the_county_chose(app, client, household):
    assert award(client, household).status_code == 303
    page = wall(client)
    assert "王**家" in page and "2 分" in page and "王建国" not in page
    assert_published(app, "waste_sorting.points_awarded", household_id=household, points=2)


def test_the_county_can_show_house_numbers_only(app, client, login_as, household):
    award(client, household)
    login_as("county_admin", "c1")
    answer = client.post(
        "/waste_sorting/settings",
        data={
            "community": M1,
            "points_correct_sorting": "2",
            "points_supervisor_report": "1",
            "daily_cap": "5",
            "mask": "house",
        },
    )
    assert answer.status_code == 303
    page = wall(client)
    assert "3栋2单元301" in page and "王**家" not in page and "王建国" not in page


def test_the_daily_cap_trims_and_then_refuses(app, client, household):
    answers = [award(client, household) for _ in range(4)]  # 2 + 2 + 1 (cap 5), then nothing left

    assert [a.status_code for a in answers] == [303, 303, 303, 422]
    assert "今日积分已达上限（5 分）" in answers[3].get_data(as_text=True)
    assert [r.points for r in rows(app, "SELECT points FROM waste_sorting_points_entry ORDER BY seq")] == [2, 2, 1]


def test_a_correction_is_a_reversing_entry_with_a_reason(app, client, household):
    award(client, household)
    (entry,) = rows(app, "SELECT id FROM waste_sorting_points_entry")
    refused = client.post(f"/waste_sorting/ledger/{entry.id}/reverse", data={"reason": ""}, follow_redirects=True)
    assert "更正理由：请填写为什么更正。" in refused.get_data(as_text=True)

    client.post(f"/waste_sorting/ledger/{entry.id}/reverse", data={"reason": "记错了户"})
    again = client.post(f"/waste_sorting/ledger/{entry.id}/reverse", data={"reason": "再来"}, follow_redirects=True)

    ledger = rows(app, "SELECT seq, points, action, reason, reverses_seq FROM waste_sorting_points_entry ORDER BY seq")
    assert [tuple(r) for r in ledger] == [(1, 2, "correct_sorting", "", None), (2, -2, "reversal", "记错了户", 1)]
    assert "已经更正过" in again.get_data(as_text=True)
    assert "还没有积分" in wall(client)  # a total of 0 leaves the wall


def test_the_api_offers_no_way_to_change_or_delete_an_entry(app, client, household):
    award(client, household)
    (entry,) = rows(app, "SELECT id FROM waste_sorting_points_entry")
    for method in ("put", "patch", "delete"):
        for url in (f"/api/v1/waste_sorting/ledger/{entry.id}", f"/waste_sorting/ledger/{entry.id}/reverse"):
            assert getattr(client, method)(url, json={"points": 99}).status_code in (404, 405)
    assert rows(app, "SELECT points FROM waste_sorting_points_entry")[0].points == 2


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE waste_sorting_points_entry SET points = 99",
        "UPDATE waste_sorting_points_entry SET hash = 'x'",
        "DELETE FROM waste_sorting_points_entry",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_entry(app, client, household, statement):
    award(client, household)
    with pytest.raises(DBAPIError, match="积分流水只能追加"):
        with engine_of(app).begin() as connection:
            connection.execute(text(statement))
    assert rows(app, "SELECT points FROM waste_sorting_points_entry")[0].points == 2


@pytest.mark.parametrize(
    ("permit_for", "permit_at", "deletes"),
    [("waste_sorting", "c1/s1", True), ("waste_sorting", "c1/s2", False), ("resident_info", "c1/s1", False)],
)
def test_only_a_purge_permit_over_the_entry_lets_a_delete_through(
    app, client, household, permit_for, permit_at, deletes
):
    """The core's purge writes a permit for its plugin and subtree inside its transaction; a
    permit for another subtree or another module opens nothing, and UPDATE stays refused."""
    award(client, household)
    with engine_of(app).connect() as connection, connection.begin() as transaction:
        step = connection.execute(
            text(
                "INSERT INTO core_lifecycle (plugin, org_path, state, notice, flagged_at, started_by) "
                "VALUES ('waste_sorting', :path, 'retired', '', CURRENT_TIMESTAMP, 't') RETURNING id"
            ),
            {"path": permit_at},
        ).scalar_one()
        connection.execute(
            text("INSERT INTO core_purge_permit (plugin, org_path, lifecycle_id) VALUES (:plugin, :path, :step)"),
            {"plugin": permit_for, "path": permit_at, "step": step},
        )
        with pytest.raises(DBAPIError, match="积分流水只能追加"), connection.begin_nested():
            connection.execute(text("UPDATE waste_sorting_points_entry SET points = 99"))
        if deletes:
            assert connection.execute(text("DELETE FROM waste_sorting_points_entry")).rowcount == 1
        else:
            with pytest.raises(DBAPIError, match="积分流水只能追加"):
                connection.execute(text("DELETE FROM waste_sorting_points_entry"))
        transaction.rollback()
    assert rows(app, "SELECT points FROM waste_sorting_points_entry")[0].points == 2


def test_verify_names_the_entry_changed_behind_the_triggers_back(app, client, household):
    for _ in range(3):
        award(client, household, action="supervisor_report")
    runner = app.test_cli_runner()
    intact = runner.invoke(args=["waste-points", "verify"])
    assert intact.exit_code == 0 and "积分流水完整：共 3 条" in intact.output

    tamper(app, "UPDATE waste_sorting_points_entry SET points = 50 WHERE seq = 2")
    broken = runner.invoke(args=["waste-points", "verify"])
    assert broken.exit_code == 1 and "第 2 条流水被改动" in broken.output


def test_verify_notices_a_deleted_tail(app, client, household):
    award(client, household)
    award(client, household)
    tamper(app, "DELETE FROM waste_sorting_points_entry WHERE seq = 2")
    broken = app.test_cli_runner().invoke(args=["waste-points", "verify"])
    assert broken.exit_code == 1 and "链头与流水末尾不符" in broken.output


def tamper(app, statement):
    """What someone with the database file could do: drop the guards, then edit."""
    with engine_of(app).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE waste_sorting_points_entry DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER waste_sorting_points_entry_no_update"))
            connection.execute(text("DROP TRIGGER waste_sorting_points_entry_no_delete"))
        connection.execute(text(statement))
