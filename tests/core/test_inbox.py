"""The inbox (issue 11 §3): notices to a user or to whoever holds a package at a node —
resolved when read, so a newly granted admin sees what was sent before — with read receipts
per reader, one "done" for all, and nothing visible outside one's grants."""

from datetime import timedelta

import pytest

from core.db import session_scope
from core.inbox.notices import notify
from core.permissions.store import find_grant, grant_package, revoke_grant
from core.testing import rows, signed_in_client

M1, M12 = "c1/s1/m1", "c1/s1/m12"


def send(app, **fields):
    with app.app_context(), session_scope(app) as db:
        return notify(db, plugin="core", **fields).id


def inbox_of(client, status="open"):
    return client.get(f"/api/v1/inbox?status={status}").get_json()


def titles(client, status="open"):
    return [item["title"] for item in inbox_of(client, status)["items"]]


def test_a_notice_to_a_package_reaches_whoever_holds_it_there_when_they_look(app, org_tree, make_user):
    send(app, title="幸福社区有 3 行导入待核对", org_path=M1, to_package="community_admin", link="/inbox")
    admin = signed_in_client(app, make_user("community_admin", M1))
    neighbour = signed_in_client(app, make_user("community_admin", M12))
    worker = signed_in_client(app, make_user("grid_feedback_worker", M1))
    assert titles(admin) == ["幸福社区有 3 行导入待核对"]
    assert titles(neighbour) == [] and titles(worker) == []

    newcomer = signed_in_client(app, make_user("community_admin", M1))  # granted after the notice
    assert titles(newcomer) == ["幸福社区有 3 行导入待核对"]


def test_a_revoked_grant_takes_its_notices_with_it(app, org_tree, make_user):
    user = make_user("community_admin", M1)
    client = signed_in_client(app, user)
    send(app, title="待核对", org_path=M1, to_package="community_admin")
    send(app, title="给我本人", org_path=M1, to_user=user.id)
    assert sorted(titles(client)) == ["待核对", "给我本人"]
    with app.app_context(), session_scope(app) as db:
        revoke_grant(db, find_grant(db, user.id, "community_admin", M1))
        grant_package(db, user.id, "community_admin", M12)
    assert titles(client) == []  # moved to another community: neither follows them


def test_reading_is_per_reader_and_done_is_for_everyone(app, org_tree, make_user):
    first = signed_in_client(app, make_user("community_admin", M1))
    second = signed_in_client(app, make_user("community_admin", M1))
    notice_id = send(app, title="入户核查", org_path=M1, to_package="community_admin", link="/resident_info/")
    assert inbox_of(first)["unread"] == 1 and 'class="badge"' in first.get("/").get_data(as_text=True)

    opened = first.get(f"/inbox/{notice_id}/open")
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/resident_info/")
    assert inbox_of(first)["unread"] == 0 and inbox_of(second)["unread"] == 1
    readers = rows(app, "SELECT user_id FROM core_notice_read WHERE notice_id = :id", id=notice_id)
    assert len(readers) == 1

    assert second.post(f"/inbox/{notice_id}/done").status_code == 302
    assert titles(first) == [] and titles(first, "closed") == ["入户核查"]
    closed = inbox_of(first, "closed")["items"][0]
    assert closed["status_title"] == "已办" and closed["read_at"] is not None


def test_someone_elses_notice_answers_404(app, org_tree, make_user):
    notice_id = send(app, title="别人的待办", org_path=M1, to_package="community_admin")
    stranger = signed_in_client(app, make_user("community_admin", M12))
    assert stranger.get(f"/inbox/{notice_id}/open").status_code == 404
    assert stranger.post(f"/api/v1/inbox/{notice_id}/done").status_code == 404
    assert rows(app, "SELECT status FROM core_notice WHERE id = :id", id=notice_id) == [("open",)]


def test_the_page_shows_place_names_beijing_time_and_overdue(app, org_tree, make_user, clock):
    client = signed_in_client(app, make_user("community_admin", M1))
    send(
        app,
        title="走访逾期",
        org_path=M1,
        to_package="community_admin",
        severity="urgent",
        due_at=clock.now() - timedelta(hours=1),
    )
    page = client.get("/inbox").get_data(as_text=True)
    assert "东湖街道 › 幸福社区" in page and "c1/s1/m1" not in page
    assert "2026-12-03 09:00" in page  # created at the frozen clock, shown in Beijing time
    assert "已逾期" in page and "紧急" in page


def test_an_opened_link_never_leaves_the_site(app, org_tree, make_user):
    user = make_user("community_admin", M1)
    notice_id = send(app, title="外链", org_path=M1, to_user=user.id, link="//evil.example/")
    response = signed_in_client(app, user).get(f"/inbox/{notice_id}/open")
    assert "evil.example" not in response.headers["Location"]


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "两个收件人", "to_user": 1, "to_package": "community_admin"},
        {"title": "没有收件人"},
        {"title": " ", "to_package": "community_admin"},
        {"title": "坏路径", "to_package": "community_admin", "org_path": "c1//m1"},
        {"title": "坏级别", "to_package": "community_admin", "severity": "huge"},
    ],
)
def test_a_notice_that_cannot_be_right_is_refused(app, org_tree, fields):
    with pytest.raises(ValueError):
        send(app, **{"org_path": M1, **fields})
    assert rows(app, "SELECT count(*) FROM core_notice") == [(0,)]
