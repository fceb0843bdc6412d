"""Module retirement (core/lifecycle): a module flagged, frozen, retired and restored at a
node, as a county or street admin does it through the API and the page — every record kept,
writes refused while frozen whatever writes them, purge only with every precondition, and the
county cut run by the scheduler on the dates it planned."""

import json
from datetime import datetime

import pytest
from sqlalchemy import text

from core.db import engine_of, session_scope
from core.events.dispatch import Dispatcher
from core.lifecycle.dump import full_dump
from core.lifecycle.export import exports_folder
from core.state import state_of
from core.testing import json_value, published_events, rows, run_due_jobs

API = "/api/v1/modules"
M1, M12, M2 = "c1/s1/m1", "c1/s1/m12", "c1/s2/m2"


def id_number(first17="11010519900307123"):
    """A valid ID number (GB 11643 MOD 11-2 check character computed here)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


@pytest.fixture
def test_config(test_config):
    return {**test_config, "POLICY_CHECK_INTERVAL": 0}


@pytest.fixture
def notes_app(plugged, org_tree):
    """fx_frozen (a handler and a job writing notes) and resident_info, on for the county."""
    app = plugged("fx_frozen", enabled_at="c1")
    with app.app_context(), session_scope(app) as db:
        from core.plugin_system.enablement import set_state

        set_state(db, state_of(app).host, "resident_info", "c1", "enabled", actor="test")
    table = state_of(app).host.get("fx_frozen").module.notes
    table.create(engine_of(app), checkfirst=True)
    yield app
    table.drop(engine_of(app))


def step(client, plugin, node_id, name, **body):
    return client.post(f"{API}/{plugin}/lifecycle/{node_id}/{name}", json=body)


def notes(app):
    return rows(app, "SELECT org_path, note FROM fx_frozen_note ORDER BY id")


def declared_tables(app, plugin):
    return [table["name"] for table in state_of(app).host.get(plugin).manifest.data.get("tables", [])]


def seed_every_plugin(app, paths=(M1, M12, M2)):
    """Each loaded plugin's sample records (its gridwork_sample_records) in three communities:
    plugins that land later are covered without changing this test."""
    seeded = set()
    for plugin in state_of(app).host.loaded():
        if plugin.name == "core" or "gridwork_sample_records" not in plugin.hooks:
            continue
        for path in paths:
            marker = "round_" + path.rsplit("/", 1)[-1]
            with app.app_context(), session_scope(app) as db:
                state_of(app).host.call_for(
                    {plugin.name}, "gridwork_sample_records", session=db, org_path=path, marker=marker
                )
        seeded.add(plugin.name)
    return seeded


def everything(app, plugins):
    with app.app_context(), session_scope(app) as db:
        names = ["core_attachment"] + [name for plugin in sorted(plugins) for name in declared_tables(app, plugin)]
        dump = full_dump(db, names)
    dump["core_attachment"] = [row for row in dump["core_attachment"] if row["plugin"] in plugins]
    return dump


def enable_every_plugin(app):
    with app.app_context(), session_scope(app) as db:
        from core.plugin_system.enablement import set_state

        for plugin in state_of(app).host.loaded():
            if plugin.name != "core":
                set_state(db, state_of(app).host, plugin.name, "c1", "enabled", actor="test")


def test_retire_then_restore_brings_back_every_record_of_every_plugin(app, org_tree, sign_in):
    enable_every_plugin(app)
    plugins = seed_every_plugin(app)
    assert "resident_info" in plugins
    before = everything(app, plugins)
    assert all(before[name] for name in ("resident_info_resident", "core_attachment")), "nothing seeded"
    county = sign_in(app)
    for plugin in sorted(plugins):
        retired = step(county, plugin, "c1", "retire")
        assert retired.status_code == 200, retired.get_json()
        assert retired.get_json()["state"] == "retired"
        assert everything(app, plugins) == before  # retiring touches no record
        assert step(county, plugin, "c1", "restore").get_json()["state"] == "active"
    assert everything(app, plugins) == before
    exported = rows(app, "SELECT plugin, counts FROM core_lifecycle_export ORDER BY id")
    assert {plugin for plugin, _counts in exported} == plugins


def test_a_retired_module_is_hidden_and_its_export_holds_every_record(notes_app, sign_in):
    county = sign_in(notes_app)
    resident = county.post(
        "/api/v1/resident_info/residents",
        json={"name": "王秀英", "id_number": id_number(), "org_path": "c1/s1/m1/g1", "phone": "13812345678"},
    )
    assert resident.status_code == 201, resident.get_json()
    assert step(county, "resident_info", "m1", "retire").status_code == 200
    assert county.get(f"/api/v1/resident_info/residents/{resident.get_json()['id']}").status_code == 404
    with notes_app.app_context():
        export = rows(notes_app, "SELECT json_file, counts FROM core_lifecycle_export")[0]
        document = json.loads((exports_folder(notes_app) / export.json_file).read_text())
    assert document["plugin_title"] == "居民信息采集" and document["org_path"] == M1
    assert [row["name"] for row in document["tables"]["resident_info_resident"]["rows"]] == ["王秀英"]
    assert "resident.json" in document["forms"] and document["plugin_version"]
    assert {"name": "org_path", "type": "VARCHAR(300)", "nullable": False} in document["tables"][
        "resident_info_resident"
    ]["columns"]
    xlsx = county.get(f"{API}/resident_info/lifecycle/m1/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert step(county, "resident_info", "m1", "restore").status_code == 200
    assert county.get(f"/api/v1/resident_info/residents/{resident.get_json()['id']}").status_code == 200


def test_frozen_refuses_writes_through_the_api_and_the_pages_but_reads_and_exports(notes_app, sign_in):
    county = sign_in(notes_app)
    kept = county.post(
        "/api/v1/resident_info/residents",
        json={"name": "王秀英", "id_number": id_number("11010519450101002"), "org_path": "c1/s1/m1/g1"},
    )
    resident_id = kept.get_json()["id"]
    assert step(county, "resident_info", "m1", "freeze").status_code == 200
    refused = county.post(
        "/api/v1/resident_info/residents",
        json={"name": "李四", "id_number": id_number(), "org_path": "c1/s1/m1/g1"},
    )
    assert refused.status_code == 423
    assert "已冻结" in refused.get_json()["detail"]
    page = county.post(
        "/resident_info/residents/new",
        data={"name": "李四", "id_number": id_number(), "org_path": "c1/s1/m1/g1", "registration": "registered"},
    )
    assert page.status_code == 423 and "已冻结" in page.get_data(as_text=True)
    assert county.get("/api/v1/resident_info/residents").status_code == 200
    exported = county.get("/api/v1/resident_info/residents/export?format=csv")
    assert exported.status_code == 200, exported.get_data(as_text=True)[:300]  # exports stay allowed
    assert rows(notes_app, "SELECT name, org_path FROM resident_info_resident") == [("王秀英", "c1/s1/m1/g1")]
    moved = county.patch(
        f"/api/v1/resident_info/residents/{resident_id}", json={"version": 1, "org_path": "c1/s1/m12/g10"}
    )
    assert moved.status_code == 423  # moving a record out of the frozen node is a write there
    # the sibling community is not frozen
    elsewhere = county.post(
        "/api/v1/resident_info/residents",
        json={"name": "李四", "id_number": id_number(), "org_path": "c1/s1/m12/g10"},
    )
    assert elsewhere.status_code == 201, elsewhere.get_json()


def test_frozen_refuses_writes_of_event_handlers_and_scheduled_jobs(notes_app, sign_in, clock):
    from core.events.publish import publish

    county = sign_in(notes_app)
    assert step(county, "fx_frozen", "s1", "freeze").status_code == 200
    with notes_app.app_context(), session_scope(notes_app) as db:
        publish(db, "fx_frozen.noted", {"text": "甲"}, org_path=M1)
        publish(db, "fx_frozen.noted", {"text": "乙"}, org_path=M2)
    with notes_app.app_context():
        Dispatcher(notes_app).drain()
    assert notes(notes_app) == [(M2, "handler")]
    error = rows(notes_app, "SELECT last_error FROM core_event_delivery WHERE handler = 'fx_frozen.note_event'")
    assert any("已冻结" in (row[0] or "") for row in error)
    assert run_due_jobs(notes_app)["fx_frozen.note_nodes"] == "failed"  # the job touched the frozen street
    assert notes(notes_app) == [(M2, "handler")]
    assert step(county, "fx_frozen", "s1", "restore").status_code == 200
    clock.advance(minutes=10)
    assert run_due_jobs(notes_app)["fx_frozen.note_nodes"] == "done"
    assert (M1, "job") in notes(notes_app)


def test_retired_skips_event_handlers_and_jobs_there(notes_app, sign_in, clock):
    from core.events.publish import publish

    county = sign_in(notes_app)
    assert step(county, "fx_frozen", "c1", "retire").status_code == 200
    with notes_app.app_context(), session_scope(notes_app) as db:
        publish(db, "fx_frozen.noted", {"text": "甲"}, org_path=M1)
    with notes_app.app_context():
        Dispatcher(notes_app).drain()
    assert run_due_jobs(notes_app)["fx_frozen.note_nodes"] == "skipped"
    assert notes(notes_app) == []


def test_restoring_a_county_leaves_a_street_retired_separately_before(notes_app, sign_in):
    county = sign_in(notes_app)
    assert step(county, "fx_frozen", "s2", "retire").status_code == 200
    assert step(county, "fx_frozen", "c1", "retire").status_code == 200
    assert county.get(f"{API}/fx_frozen/lifecycle/m1").get_json()["state"] == "retired"
    assert step(county, "fx_frozen", "c1", "restore").status_code == 200
    assert county.get(f"{API}/fx_frozen/lifecycle/m1").get_json()["state"] == "active"
    assert county.get(f"{API}/fx_frozen/lifecycle/m2").get_json()["state"] == "retired"


def test_every_step_is_audited_and_published(notes_app, sign_in):
    county = sign_in(notes_app)
    for name in ("flag", "freeze", "retire", "restore"):
        assert step(county, "fx_frozen", "s1", name).status_code == 200, name
    published = [event["type"] for event in published_events(notes_app) if event["type"].startswith("core.plugin_")]
    expected = ["core.plugin_flagged", "core.plugin_frozen", "core.plugin_retired", "core.plugin_restored"]
    assert [kind for kind in published if kind in expected] == expected
    audited = rows(notes_app, "SELECT action FROM core_audit_entry WHERE action LIKE 'core.plugin_%' ORDER BY seq")
    assert [action for (action,) in audited if action in expected] == expected


@pytest.fixture
def retired_notes(notes_app, sign_in):
    with engine_of(notes_app).begin() as conn:
        for path in (M1, M12, M2):
            conn.execute(text("INSERT INTO fx_frozen_note (org_path, note) VALUES (:p, 'kept')"), {"p": path})
    return notes_app


def test_purge_refuses_without_each_precondition(retired_notes, sign_in):
    app = retired_notes
    county, street = sign_in(app), sign_in(app, "street_admin", "c1/s1")
    not_retired = step(county, "fx_frozen", "s1", "purge", confirm="测试便签")
    assert not_retired.status_code == 409 and "先下线" in not_retired.get_json()["detail"]
    assert step(county, "fx_frozen", "s1", "retire").status_code == 200
    assert step(street, "fx_frozen", "s1", "purge", confirm="测试便签").status_code == 403  # not a county admin
    wrong = step(county, "fx_frozen", "s1", "purge", confirm="fx_frozen")
    assert wrong.status_code == 422 and wrong.get_json()["detail"] == "确认文字不对：请输入模块的名称。"
    with engine_of(app).begin() as conn:  # the export on file is gone
        conn.execute(text("DELETE FROM core_lifecycle_export"))
    assert step(county, "fx_frozen", "s1", "purge", confirm="测试便签").status_code == 409
    assert len(notes(app)) == 3  # nothing purged by any refusal


def test_purge_removes_only_that_subtree_and_is_audited(retired_notes, sign_in):
    app = retired_notes
    county = sign_in(app)
    assert step(county, "fx_frozen", "s1", "retire").status_code == 200
    purged = step(county, "fx_frozen", "s1", "purge", confirm="测试便签")
    assert purged.status_code == 200, purged.get_json()
    assert notes(app) == [(M2, "kept")]
    audit = rows(app, "SELECT detail FROM core_audit_entry WHERE action = 'core.plugin_purged'")
    assert len(audit) == 1 and json_value(audit[0][0])["records"]["fx_frozen_note"] == 2
    assert step(county, "fx_frozen", "s1", "purge", confirm="测试便签").status_code == 409  # once


def test_county_cut_flags_now_and_the_scheduler_freezes_then_retires_on_the_dates(notes_app, sign_in, clock):
    def state_on(moment):
        clock.set(moment)
        run_due_jobs(notes_app)
        return sign_in(notes_app).get(f"{API}/fx_frozen/lifecycle/c1").get_json()  # signed in anew: days pass

    cut = step(sign_in(notes_app), "fx_frozen", "c1", "cut", freeze_on="2026-12-10", retire_on="2026-12-20")
    assert cut.status_code == 200, cut.get_json()
    assert cut.get_json()["state"] == "flagged"
    assert cut.get_json()["freeze_on"] == "2026-12-09T16:00:00+00:00"  # midnight Beijing time
    assert state_on(datetime(2026, 12, 9, 23, 59, tzinfo=clock.zone))["state"] == "flagged"
    assert state_on(datetime(2026, 12, 10, 0, 1, tzinfo=clock.zone))["state"] == "frozen"
    shown = state_on(datetime(2026, 12, 20, 0, 1, tzinfo=clock.zone))
    assert shown["state"] == "retired" and len(shown["exports"]) == 1
    steps = "('core.plugin_frozen', 'core.plugin_retired')"
    actors = rows(notes_app, f"SELECT actor FROM core_audit_entry WHERE action IN {steps}")
    assert [actor for (actor,) in actors] == ["scheduler", "scheduler"]


def test_county_cut_defaults_to_the_notice_period_and_only_at_a_county(notes_app, sign_in, clock):
    county = sign_in(notes_app)
    assert step(county, "fx_frozen", "s1", "cut").status_code == 422
    shown = step(county, "fx_frozen", "c1", "cut").get_json()
    assert shown["freeze_on"] == "2026-12-16T16:00:00+00:00"  # 14 days after 2026-12-03
    assert shown["retire_on"] == "2027-01-01T16:00:00+00:00"  # 30 days


def test_a_street_admin_cannot_retire_in_another_street(notes_app, sign_in):
    street = sign_in(notes_app, "street_admin", "c1/s1")
    for name in ("flag", "freeze", "retire"):
        assert step(street, "fx_frozen", "s2", name).status_code == 404
        assert step(street, "fx_frozen", "m2", name).status_code == 404
    assert street.get(f"{API}/fx_frozen/lifecycle/m2").status_code == 404
    assert rows(notes_app, "SELECT count(*) FROM core_lifecycle")[0][0] == 0
    assert step(street, "fx_frozen", "m1", "flag").status_code == 200


def test_the_impact_preview_counts_what_a_step_would_touch(notes_app, sign_in):
    county = sign_in(notes_app)
    with engine_of(notes_app).begin() as conn:
        conn.execute(text("INSERT INTO fx_frozen_note (org_path, note) VALUES ('c1/s1/m1', 'x'), ('c1/s2/m2', 'y')"))
    impact = county.get(f"{API}/fx_frozen/lifecycle/s1").get_json()["impact"]
    assert impact["nodes_affected"] == 5
    assert impact["node_names"] == ["东湖街道", "幸福社区", "幸福一网格", "和平社区", "和平十网格"]
    assert impact["records"] == {"fx_frozen_note": 1}
    assert impact["scenarios"] == 0 and impact["scenario_titles"] == []  # no scenario places its blocks
    assert impact["consumers"] == []
    resident = county.get(f"{API}/resident_info/lifecycle/c1").get_json()["impact"]
    assert "县级管理员" in resident["role_packages"]
    assert resident["open_work"] == {}


def test_users_of_a_flagged_module_see_the_notice_and_dates_on_its_pages(notes_app, sign_in, make_user):
    county = sign_in(notes_app)
    flagged = step(county, "resident_info", "m1", "flag", notice="本模块将停用，请改用新系统。", freeze_on="2026-12-10")
    assert flagged.status_code == 200, flagged.get_json()
    community = sign_in(notes_app, "community_admin", M1)
    page = community.get("/resident_info/").get_data(as_text=True)
    assert "本模块将停用，请改用新系统；2026-12-10 00:00 起只读。" in page
    assert "本模块将停用" not in community.get("/inbox").get_data(as_text=True)  # only the module's own pages
    neighbour = sign_in(notes_app, "community_admin", M12).get("/resident_info/").get_data(as_text=True)
    assert "本模块将停用" not in neighbour
    assert step(county, "resident_info", "m1", "freeze").status_code == 200
    assert "已冻结（只读）" in community.get("/resident_info/").get_data(as_text=True)


def test_the_block_wrapper_marks_a_frozen_block_and_hides_a_retired_one(notes_app, sign_in):
    from core.lifecycle.notice import render_block
    from core.plugin_system.offerings import BlockType

    block = BlockType("fx_frozen", "latest", lambda settings, context: "<ul><li>便签</li></ul>")
    county = sign_in(notes_app)

    def rendered():
        with notes_app.test_request_context(), session_scope(notes_app) as db:
            return str(render_block(db, block, {}, {}, M1))

    assert rendered() == '<section class="block" data-state="active"><ul><li>便签</li></ul></section>'
    step(county, "fx_frozen", "s1", "freeze")
    assert 'data-state="frozen" inert' in rendered() and "已冻结（只读）" in rendered()
    step(county, "fx_frozen", "s1", "retire")
    assert rendered() == ""


def test_a_page_of_blocks_shows_each_as_the_single_block_wrapper_does(notes_app, sign_in):
    from core.plugin_system.offerings import BlockType
    from core.public import block_renderer, render_block

    frozen = BlockType("fx_frozen", "latest", lambda settings, context: "<ul><li>便签</li></ul>")
    other = BlockType("resident_info", "latest", lambda settings, context: "<p>居民</p>")
    county = sign_in(notes_app)

    def page():
        with notes_app.test_request_context(), session_scope(notes_app):
            context = {"org_path": M1}
            render = block_renderer(context)
            together = [str(render(block, {})) for block in (frozen, other)]
            assert together == [str(render_block(block, {}, context)) for block in (frozen, other)]
            return together

    assert page() == ["<ul><li>便签</li></ul>", "<p>居民</p>"]
    step(county, "fx_frozen", "s1", "freeze")
    shown = page()
    assert 'data-state="frozen" inert' in shown[0] and "已冻结（只读）" in shown[0] and shown[1] == "<p>居民</p>"
    step(county, "fx_frozen", "s1", "retire")
    assert page() == ["", "<p>居民</p>"]


def test_the_lifecycle_page_shows_the_preview_in_names_and_runs_a_step(notes_app, sign_in):
    county = sign_in(notes_app)
    page = county.get("/modules/resident_info/lifecycle/m1").get_data(as_text=True)
    assert "影响预览" in page and "幸福社区" in page and "县级管理员" in page
    assert "c1/s1/m1" not in page and "resident_info_resident" not in page
    assert "/modules/resident_info/lifecycle/m1" in county.get("/plugins?node=m1").get_data(as_text=True)
    done = county.post("/modules/resident_info/lifecycle/m1/freeze", data={})
    assert done.status_code == 302
    assert "已冻结（只读）" in county.get("/modules/resident_info/lifecycle/m1").get_data(as_text=True)
    cut = county.get("/modules/resident_info/lifecycle/c1?cut=1").get_data(as_text=True)
    assert 'id="county-cut"' in cut


def test_the_slimming_list_leads_to_the_county_cut(notes_app, sign_in):
    county = sign_in(notes_app)
    page = county.get("/usage/slimming?org_path=c1")
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    assert "/modules/resident_info/lifecycle/c1?cut=1" in page.get_data(as_text=True)
    assert "为全县下线" in page.get_data(as_text=True)


def add_note(app, path, note):
    with engine_of(app).begin() as conn:
        conn.execute(text("INSERT INTO fx_frozen_note (org_path, note) VALUES (:p, :n)"), {"p": path, "n": note})


def test_frozen_refuses_changes_and_deletions_through_the_api_and_the_pages(notes_app, sign_in):
    county = sign_in(notes_app)
    residents = "/api/v1/resident_info/residents"
    person = {"name": "王秀英", "gender": "female", "birth_date": "1945-01-01", "org_path": "c1/s1/m1/g1"}
    one = county.post(residents, json={**person, "id_number": id_number("11010519450101002")})
    two = county.post(residents, json=person)
    assert two.status_code == 201, two.get_json()
    one_id, two_id = one.get_json()["id"], two.get_json()["id"]
    assert step(county, "resident_info", "m1", "freeze").status_code == 200
    renamed = county.patch(f"{residents}/{one_id}", json={"version": 1, "name": "王秀芳"})
    assert renamed.status_code == 423 and "已冻结" in renamed.get_json()["detail"]
    page = county.post(f"/resident_info/residents/{one_id}/edit", data={"version": "1", "name": "王秀芳"})
    assert page.status_code == 423 and "已冻结" in page.get_data(as_text=True)
    merged = county.post(
        f"{residents}/merge", json={"keep_id": one_id, "keep_version": 1, "merge_id": two_id, "merge_version": 1}
    )
    assert merged.status_code == 423  # a merge retires one record and moves its attachments
    assert rows(notes_app, "SELECT name, merged_into_id FROM resident_info_resident ORDER BY id") == [
        ("王秀英", None),
        ("王秀英", None),
    ]


def test_frozen_refuses_updates_and_deletes_of_event_handlers_and_scheduled_jobs(notes_app, sign_in, clock):
    from core.events.publish import publish

    for path in (M1, M2):
        add_note(notes_app, path, "待改")
        add_note(notes_app, path, "待删")
    county = sign_in(notes_app)
    assert step(county, "fx_frozen", "s1", "freeze").status_code == 200
    with notes_app.app_context(), session_scope(notes_app) as db:
        for path in (M1, M2):
            publish(db, "fx_frozen.noted", {"text": "改"}, org_path=path)
            publish(db, "fx_frozen.noted", {"text": "删"}, org_path=path)
    with notes_app.app_context():
        Dispatcher(notes_app).drain()
    assert sorted(notes(notes_app)) == [(M1, "待删"), (M1, "待改"), (M2, "改过")]
    ran = run_due_jobs(notes_app)
    assert (ran["fx_frozen.edit_m1"], ran["fx_frozen.clear_m1"]) == ("failed", "failed")
    assert sorted(notes(notes_app)) == [(M1, "待删"), (M1, "待改"), (M2, "改过")]
    assert step(county, "fx_frozen", "s1", "restore").status_code == 200
    clock.advance(minutes=10)
    ran = run_due_jobs(notes_app)
    assert (ran["fx_frozen.edit_m1"], ran["fx_frozen.clear_m1"]) == ("done", "done")
    assert sorted(note for note in notes(notes_app) if note[1] != "job") == [(M1, "改过"), (M2, "改过")]


def test_purge_leaves_nothing_of_any_plugin_in_that_street_and_every_record_elsewhere(app, org_tree, sign_in):
    enable_every_plugin(app)
    plugins = seed_every_plugin(app, paths=(M2,))
    elsewhere = everything(app, plugins)  # street s2's records, which the purge of s1 must keep
    seed_every_plugin(app, paths=(M1, M12))
    assert everything(app, plugins) != elsewhere
    county, titles = sign_in(app), state_of(app).host.titles()
    for plugin in sorted(plugins):
        assert step(county, plugin, "s1", "retire").status_code == 200
        purged = step(county, plugin, "s1", "purge", confirm=titles[plugin])
        assert purged.status_code == 200, purged.get_json()  # the points ledger too, under the permit
    assert everything(app, plugins) == everything_of(elsewhere, app, plugins)  # histories too, not just paths
    with app.app_context(), session_scope(app) as db:
        assert full_dump(db, ["core_purge_permit"])["core_purge_permit"] == []  # none outlives its purge


def everything_of(dump, app, plugins):
    """The part of ``dump`` (from ``everything``) that ``plugins`` own."""
    names = {name for plugin in plugins for name in declared_tables(app, plugin)}
    owned = {name: found for name, found in dump.items() if name in names}
    owned["core_attachment"] = [row for row in dump["core_attachment"] if row["plugin"] in plugins]
    return owned
