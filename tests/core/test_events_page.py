"""The event bus page (/events), its JSON status and the operator commands: each operator
sees and replays the dead letters of their own subtree only."""

from events_support import bus, publish_one, scalar, subscribe, test_config  # noqa: F401
from sqlalchemy import text

from core.db import engine_of


def bury(app, org_path):
    """A dead letter at ``org_path`` (its handler failed every attempt)."""
    event_id = publish_one(app, org_path)
    with engine_of(app).begin() as conn:
        conn.execute(
            text("UPDATE core_event_delivery SET status = 'dead', attempts = 3 WHERE event_id = :id"), {"id": event_id}
        )
        delivery_id = conn.execute(
            text("SELECT id FROM core_event_delivery WHERE event_id = :id"), {"id": event_id}
        ).scalar()
        conn.execute(
            text(
                "INSERT INTO core_event_dead_letter (delivery_id, event_id, handler, attempts, last_error, "
                "died_at, replayed_by) VALUES (:d, :e, 'core.write_effect', 3, 'RuntimeError: 坏了', "
                "CURRENT_TIMESTAMP, '')"
            ),
            {"d": delivery_id, "e": event_id},
        )
    return delivery_id


def test_an_operator_sees_and_replays_dead_letters_of_their_own_subtree_only(app, client, login_as, org_tree):
    subscribe(app)
    own, foreign = bury(app, "c1/s1/m1"), bury(app, "c1/s2/m2")
    login_as("plugin_developer", "c1/s1")
    html = client.get("/events").get_data(as_text=True)
    assert "事件总线" in html and "幸福社区" in html and "青山村" not in html
    assert "c1/s1/m1" not in html  # the node by name, never its path
    status = client.get("/api/v1/events/status").get_json()
    assert status["dead"] == 1 and [item["org_path"] for item in status["dead_letters"]] == ["c1/s1/m1"]

    assert client.post("/events/replay", data={"delivery_id": foreign}).status_code == 404
    assert client.post("/events/replay", data={"delivery_id": own}, csrf=False).status_code == 403
    assert client.post("/events/replay", data={}).status_code == 422
    assert client.post("/events/replay", data={"delivery_id": own}).status_code == 302
    assert scalar(app, "SELECT status FROM core_event_delivery WHERE id = :id", id=own) == "pending"
    assert scalar(app, "SELECT status FROM core_event_delivery WHERE id = :id", id=foreign) == "dead"
    assert scalar(app, "SELECT actor FROM core_audit_entry WHERE action = 'core.event_replayed'").startswith("plugin")


def test_the_event_bus_page_shows_times_in_beijing_time(app, client, login_as, org_tree):
    subscribe(app)
    bury(app, "c1/s1/m1")
    with engine_of(app).begin() as conn:
        conn.execute(text("UPDATE core_event_dead_letter SET died_at = '2026-12-02 14:22:00'"))
    login_as("plugin_developer", "c1/s1")
    html = client.get("/events").get_data(as_text=True)
    assert "2026-12-02 22:22" in html and "14:22" not in html and "UTC" not in html


def test_the_event_bus_page_needs_the_plugin_management_permission(client, login_as, org_tree):
    login_as("community_admin", "c1/s1/m1")
    assert client.get("/events").status_code == 403
    assert client.get("/api/v1/events/status").status_code == 403


def test_replaying_all_from_the_page_stays_inside_the_operators_subtree(app, client, login_as, org_tree):
    subscribe(app)
    own, foreign = bury(app, "c1/s1/m12"), bury(app, "c1/s2/m2")
    login_as("plugin_developer", "c1/s1")
    response = client.post("/events/replay", data={"all": "1"})
    assert response.status_code == 302
    assert "已重新排队 1 条死信" in client.get("/events").get_data(as_text=True)
    assert scalar(app, "SELECT status FROM core_event_delivery WHERE id = :id", id=own) == "pending"
    assert scalar(app, "SELECT status FROM core_event_delivery WHERE id = :id", id=foreign) == "dead"


def test_the_operator_commands_report_and_replay_by_handler(app):
    import json

    from core.events.cli import events_cli

    subscribe(app)
    bury(app, "c1/s1/m1")
    bury(app, "c1/s2/m2")
    runner = app.test_cli_runner()
    figures = json.loads(runner.invoke(events_cli, ["status", "--json"]).output)
    assert (figures["backlog"], figures["dead"]) == (0, 2)
    refused = runner.invoke(events_cli, ["replay"])
    assert refused.exit_code != 0 and "--all" in refused.output
    assert "已重新排队 0 条死信" in runner.invoke(events_cli, ["replay", "--handler", "core.nobody"]).output
    assert "已重新排队 2 条死信" in runner.invoke(events_cli, ["replay", "--handler", "core.write_effect"]).output
    assert json.loads(runner.invoke(events_cli, ["status", "--json"]).output)["backlog"] == 2
    assert scalar(app, "SELECT count(*) FROM core_event_dead_letter WHERE replayed_at IS NOT NULL") == 2
