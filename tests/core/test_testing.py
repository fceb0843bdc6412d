"""Gridwork's pytest plugin (``core.testing``) as a plugin author uses it: the fixtures work
together, the client is a context manager, and the helpers read the same on SQLite and
PostgreSQL."""

import flask
import flask_login
import pytest

from core.db import session_scope
from core.events import EventType, publish, register_event_type
from core.testing import GridworkClient, assert_published, published_events, rows, signed_in_client

NOTED = "core.testing_noted"


def me(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["username"]


# ---------------------------------------------------------------- db_session and client together


def test_db_session_and_client_in_one_test_keep_requests_apart(db_session, client, make_user, org_tree):
    """db_session keeps an app context pushed for the whole test; every request must still
    get its own (its own flask.g): the signed-in user, the CSRF token and the request's
    database session are per request, as in production."""
    first, second = make_user("county_admin", "c1"), make_user("county_admin", "c1")

    assert client.login(first.username).status_code == 302
    assert me(client) == first.username
    assert client.logout().status_code == 302, "logout refused (a stale CSRF token from an earlier request?)"
    assert client.get("/api/v1/me").status_code == 401

    assert client.login(second.username).status_code == 302
    assert me(client) == second.username
    created = client.post(
        "/api/v1/users",
        json={
            "username": "li.na",
            "display_name": "李娜",
            "org_path": "c1/s1/m1",
            "password": "a-long-enough-password",
        },
    )
    assert created.status_code == 201, created.get_json()
    assert rows(db_session, "SELECT display_name FROM core_user WHERE username = 'li.na'") == [("李娜",)]


def test_a_request_inside_an_open_app_context_does_not_share_its_g(app, client):
    with app.app_context():
        flask.g.left_by_the_test = "x"
        client.get("/login")
        assert flask.g.left_by_the_test == "x"
        leaked = [name for name in ("csrf_token", "_login_user", "db_session") if name in flask.g]
        assert leaked == [], "the request's state leaked into the test's app context"


# ---------------------------------------------------------------- the client


def test_the_client_as_a_context_manager_keeps_the_last_request_for_inspection(app, make_user, org_tree):
    user = make_user("county_admin", "c1")
    with signed_in_client(app, user) as client:
        assert isinstance(client, GridworkClient)
        client.get("/api/v1/me")
        assert flask.request.path == "/api/v1/me"
        assert flask_login.current_user.username == user.username
    assert not flask.has_request_context()


def test_raw_is_flasks_own_client_and_sends_no_csrf_header(client, login_as):
    login_as("county_admin", "c1")
    assert isinstance(client.raw, flask.testing.FlaskClient)
    assert client.raw.post("/logout").status_code == 403  # no token: refused by CSRF protection
    assert client.post("/logout").status_code == 302


def test_signed_in_client_refuses_loudly_when_the_sign_in_fails(app):
    with pytest.raises(AssertionError, match="nobody could not sign in"):
        signed_in_client(app, "nobody")


def test_sign_in_gives_a_client_of_any_app(with_plugins, sign_in):
    other = with_plugins(PLUGINS_AUTOLOAD=False)
    assert me(sign_in(other, "street_admin", "c1/s1")).startswith("street_admin_")


# ---------------------------------------------------------------- events, on both databases


@pytest.fixture
def noted(app):
    register_event_type(app, EventType(NOTED, {"type": "object"}, "core"))

    def publish_one(payload, org_path="c1/s1/m1"):
        with app.app_context(), session_scope(app) as db:
            publish(db, NOTED, payload, org_path=org_path, actor="tester")

    return publish_one


def test_published_events_read_payloads_as_dicts_on_either_database(app, noted):
    noted({"name": "张三", "tags": ["独居老人"]})
    noted({"name": "李四"}, org_path="c1/s2/m2")
    (raw,) = rows(app, "SELECT payload FROM core_event WHERE type = :type AND org_path = 'c1/s2/m2'", type=NOTED)
    assert isinstance(raw.payload, str if app.config["DATABASE_URL"].startswith("sqlite") else dict)

    events = published_events(app, NOTED)

    assert [event["payload"] for event in events] == [{"name": "张三", "tags": ["独居老人"]}, {"name": "李四"}]
    assert [(event["org_path"], event["actor"]) for event in events] == [("c1/s1/m1", "tester"), ("c1/s2/m2", "tester")]
    assert events[0]["occurred_at"].tzinfo is not None
    assert published_events(app, "core.never_published") == []


def test_published_events_in_a_session_appear_once_it_commits(app, db_session):
    """publish() writes the outbox rows just before the commit, so a test reads them after it."""
    register_event_type(app, EventType(NOTED, {"type": "object"}, "core"))
    publish(db_session, NOTED, {"name": "王五"}, org_path="c1", actor="tester")
    assert published_events(db_session, NOTED) == []
    db_session.commit()
    assert [event["payload"] for event in published_events(db_session, NOTED)] == [{"name": "王五"}]
    assert [event["payload"] for event in published_events(app, NOTED)] == [{"name": "王五"}]


def test_assert_published_finds_the_one_event_holding_the_payload(app, noted):
    noted({"name": "张三", "age": 80})
    noted({"name": "李四", "age": 80})

    event = assert_published(app, NOTED, name="张三")

    assert event["payload"] == {"name": "张三", "age": 80} and event["org_path"] == "c1/s1/m1"
    with pytest.raises(AssertionError, match="found 2 events") as two:
        assert_published(app, NOTED, age=80)
    assert "'李四'" in str(two.value)
    with pytest.raises(AssertionError, match=r"found no event; published core.testing_noted:\n.*张三"):
        assert_published(app, NOTED, name="王五")
    with pytest.raises(AssertionError, match=r"\(none\)"):
        assert_published(app, "core.never_published")
