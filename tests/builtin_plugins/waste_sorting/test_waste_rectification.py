"""Rectification as the people involved see it: a failure opens one with the checklist's
deadline in the supervisor's inbox; a passing re-check closes it, a failing one keeps it open
with a new deadline; overdue and repeated failures reach the community admin (inbox + event),
all on the controllable clock."""

from datetime import timedelta

from waste_helpers import inspect, inspection_id_of, make_point, open_rectifications

from core.testing import assert_published, published_events, rows, run_due_jobs, signed_in_client

M1 = "c1/s1/m1"
FAIL = ["bins_full", "labels"]  # 25 of 100 lost: below the pass mark of 80, nothing critical


def inbox(client):
    return [item["title"] for item in client.get("/api/v1/inbox?status=open").get_json()["items"]]


def shown_time(clock, **later):
    """A time as pages show it: Beijing time, to the minute."""
    return clock.local(clock.now() + timedelta(**later)).strftime("%Y-%m-%d %H:%M")


def setup_point(client, login_as, make_user):
    supervisor = make_user("grid_feedback_worker", "c1/s1/m1/g1", username="zhang_supervisor")
    login_as("community_admin", M1)
    return make_point(client, supervisor="zhang_supervisor"), supervisor


def test_a_failure_opens_a_rectification_in_the_supervisors_inbox_and_a_passing_recheck_closes_it(
    app, client, login_as, make_user, enabled, clock
):
    point, supervisor = setup_point(client, login_as, make_user)
    failed = inspection_id_of(inspect(client, point, failed=["bins_full", "labels"]))
    (rectification,) = open_rectifications(app, point)
    assert rectification.assigned_to == "zhang_supervisor"
    assert_published(app, "waste_sorting.rectification_opened", rectification_id=rectification.id)

    supervisor_client = signed_in_client(app, supervisor)
    assert inbox(supervisor_client) == ["投放点需整改：3栋北侧投放点"]
    page = supervisor_client.get(f"/waste_sorting/rectifications/{rectification.id}").get_data(as_text=True)
    assert f"整改期限：{shown_time(clock, days=3)}" in page and "3栋北侧投放点" in page

    recheck = inspection_id_of(inspect(client, point))
    assert open_rectifications(app, point) == []
    assert_published(
        app, "waste_sorting.rectification_closed", rectification_id=rectification.id, inspection_id=recheck
    )
    assert inbox(supervisor_client) == []
    assert rows(app, "SELECT rectification_id FROM waste_sorting_inspection WHERE id = :i", i=recheck)[0][0] == (
        rectification.id
    )
    assert failed != recheck


def test_a_failing_recheck_keeps_it_open_with_a_new_deadline(app, client, login_as, make_user, enabled, clock):
    point, supervisor = setup_point(client, login_as, make_user)
    inspect(client, point, failed=FAIL)
    (first,) = open_rectifications(app, point)
    clock.advance(days=2)
    login_as("community_admin", M1)  # a new day's sign-in
    inspection_id_of(inspect(client, point, failed=FAIL))

    (still,) = open_rectifications(app, point)
    assert still.id == first.id and still.rechecks == 1
    page = client.get(f"/waste_sorting/rectifications/{still.id}").get_data(as_text=True)
    assert f"整改期限：{shown_time(clock, days=3)}" in page
    assert inbox(signed_in_client(app, supervisor)) == ["复查仍不合格，请继续整改：3栋北侧投放点"]


def test_an_overdue_rectification_reaches_the_community_admin_once(app, client, login_as, make_user, enabled, clock):
    point, _supervisor = setup_point(client, login_as, make_user)
    inspect(client, point, failed=FAIL)
    (rectification,) = open_rectifications(app, point)
    run_due_jobs(app)
    assert published_events(app, "waste_sorting.rectification_overdue") == []

    clock.advance(days=3, minutes=20)
    run_due_jobs(app)
    clock.advance(minutes=20)
    run_due_jobs(app)

    assert len(published_events(app, "waste_sorting.rectification_overdue")) == 1
    assert_published(app, "waste_sorting.rectification_overdue", rectification_id=rectification.id)
    admin = signed_in_client(app, make_user("community_admin", M1, username="li_admin"))
    assert "整改逾期：3栋北侧投放点" in inbox(admin)
    assert "已逾期" in admin.get("/waste_sorting/rectifications").get_data(as_text=True)


def test_three_failures_in_thirty_days_escalate_the_point_to_the_community_admin(
    app, client, login_as, make_user, enabled, clock
):
    point, _supervisor = setup_point(client, login_as, make_user)
    for _ in range(3):
        inspection_id_of(inspect(client, point, failed=FAIL))
        clock.advance(days=9)
        login_as("community_admin", M1)

    assert_published(app, "waste_sorting.point_escalated", point_id=point, failures=3, days=30)
    admin = signed_in_client(app, make_user("community_admin", M1, username="li_admin"))
    assert "3栋北侧投放点 30 天内 3 次检查不合格" in inbox(admin)


def test_failures_spread_wider_than_the_rule_do_not_escalate(app, client, login_as, make_user, enabled, clock):
    point, _supervisor = setup_point(client, login_as, make_user)
    for _ in range(3):
        inspection_id_of(inspect(client, point, failed=FAIL))
        clock.advance(days=16)
        login_as("community_admin", M1)

    assert published_events(app, "waste_sorting.point_escalated") == []
