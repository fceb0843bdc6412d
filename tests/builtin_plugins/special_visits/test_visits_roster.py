"""Rosters follow the resident register through its events — registration, tags, an age
bound, moving grid, moving out, death — and the nightly rebuild reaches the same rosters."""

from visits_helpers import GRID, drain, execute, patch_resident, register, roster

from core.testing import run_due_jobs


def test_a_registered_elderly_person_living_alone_appears_on_the_roster_of_their_grid_worker(
    visits, sign_in, make_user
):
    worker = make_user("grid_feedback_worker", GRID)
    admin = sign_in(visits, "community_admin", "c1/s1/m1")
    person = register(admin, age=82, tags=("独居老人",))
    register(admin, name="李明", age=60, tags=("独居老人",))  # too young for the 70+ group
    drain(visits)

    assert roster(visits) == {("elderly_alone", person["id"]): ("active", "", GRID, worker.username)}


def test_tags_move_people_into_and_out_of_groups_and_leaving_keeps_their_history(visits, sign_in, make_user):
    make_user("grid_feedback_worker", GRID)
    admin = sign_in(visits, "community_admin", "c1/s1/m1")
    person = register(admin, age=75, tags=())
    drain(visits)
    assert roster(visits) == {}

    person = patch_resident(admin, person, tags=[{"tag": "独居老人"}, {"tag": "低保"}])
    drain(visits)
    assert {key for key, _ in roster(visits)} == {"elderly_alone", "subsistence"}

    patch_resident(admin, person, tags=[{"tag": "低保"}])
    drain(visits)
    assert roster(visits)[("elderly_alone", person["id"])][:2] == ("left", "left_group")
    assert roster(visits)[("subsistence", person["id"])][0] == "active"


def test_death_and_moving_out_take_people_off_every_due_list_at_once(visits, sign_in, make_user):
    make_user("grid_feedback_worker", GRID)
    admin = sign_in(visits, "community_admin", "c1/s1/m1")
    dies = register(admin, name="张桂兰", age=88, tags=("独居老人", "低保"))
    leaves = register(admin, name="刘建国", age=79, tags=("独居老人",))
    drain(visits)

    patch_resident(admin, dies, status="deceased", status_date="2026-01-05")
    patch_resident(admin, leaves, status="moved_out", status_date="2026-01-05")
    drain(visits)

    entries = roster(visits)
    assert entries[("elderly_alone", dies["id"])][:2] == ("ended", "deceased")
    assert entries[("subsistence", dies["id"])][:2] == ("ended", "deceased")
    assert entries[("elderly_alone", leaves["id"])][:2] == ("ended", "moved_out")
    listed = admin.get("/api/v1/special_visits/entries?view=all").get_json()
    assert listed["total"] == 0


def test_moving_grid_hands_the_entry_to_the_new_grids_worker(visits, sign_in, make_user, org_tree):
    from core.db import session_scope
    from core.tree.models import OrgNode

    with visits.app_context(), session_scope(visits) as db:
        db.add(OrgNode(id="g1b", parent_id="m1", kind="grid", name="第2网格", path="c1/s1/m1/g1b", depth=3))
    first = make_user("grid_feedback_worker", GRID)
    second = make_user("grid_feedback_worker", "c1/s1/m1/g1b")
    admin = sign_in(visits, "community_admin", "c1/s1/m1")
    person = register(admin, age=80)
    drain(visits)
    assert roster(visits)[("elderly_alone", person["id"])][3] == first.username

    patch_resident(admin, person, org_path="c1/s1/m1/g1b")
    drain(visits)

    assert roster(visits)[("elderly_alone", person["id"])] == ("active", "", "c1/s1/m1/g1b", second.username)


def test_the_nightly_job_takes_in_a_person_whose_birthday_crosses_the_age_bound(visits, sign_in, make_user, clock):
    from datetime import date

    make_user("grid_feedback_worker", GRID)
    clock.set(date(2026, 3, 10))
    admin = sign_in(visits, "community_admin", "c1/s1/m1")
    person = register(admin, age=69, birth=date(1956, 3, 12))  # 70 on 2026-03-12
    drain(visits)
    assert roster(visits) == {}

    clock.advance(days=2, hours=3)
    assert run_due_jobs(visits)["special_visits.nightly_rebuild"] == "done"

    assert roster(visits)[("elderly_alone", person["id"])][0] == "active"


def test_the_nightly_rebuild_yields_exactly_the_rosters_the_events_built(visits, sign_in, make_user, clock):
    """Differential: build rosters through the events, wipe them, rebuild from scratch."""
    make_user("grid_feedback_worker", GRID)
    make_user("grid_feedback_worker", "c1/s2/m2/g2")
    admin = sign_in(visits, "county_admin", "c1")
    people = [
        register(admin, name="甲", age=81, tags=("独居老人", "残疾")),
        register(admin, name="乙", age=72, tags=("空巢老人",), grid="c1/s2/m2/g2"),
        register(admin, name="丙", age=9, tags=("留守儿童",)),
        register(admin, name="丁", age=50, tags=("低保",), grid="c1/s1/m12/g10"),
        register(admin, name="戊", age=90, tags=("独居老人",)),
    ]
    drain(visits)
    patch_resident(admin, people[0], tags=[{"tag": "独居老人"}])
    patch_resident(admin, people[4], status="deceased", status_date="2026-01-05")
    drain(visits)
    by_events = roster(visits)
    assert {key for key, value in by_events.items() if value[0] != "active"} == {
        ("disabled", people[0]["id"]),
        ("elderly_alone", people[4]["id"]),
    }

    clock.advance(days=1)
    assert run_due_jobs(visits)["special_visits.nightly_rebuild"] == "done"
    assert roster(visits) == by_events  # over the event-built rows: nothing to change

    execute(visits, "DELETE FROM special_visits_entry")
    clock.advance(days=1)
    assert run_due_jobs(visits)["special_visits.nightly_rebuild"] == "done"
    # From scratch the rebuild starts from the living: the same active rows, field for field.
    assert roster(visits) == {key: value for key, value in by_events.items() if value[0] == "active"}
