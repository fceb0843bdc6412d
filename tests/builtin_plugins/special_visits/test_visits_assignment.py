"""Each entry goes to the grid worker holding the grid feedback package at the resident's
grid; when that grant is revoked the entry moves on (to nobody, and the community admin is
told); a community admin may choose someone else for one resident."""

from visits_helpers import GRID, drain, entry_id, inbox_titles, register, revoke, roster

from core.testing import run_due_jobs


def test_a_revoked_grant_moves_the_entries_to_the_new_worker_and_nobody_left_is_told(visits, sign_in, make_user, clock):
    from core.testing import signed_in_client

    old = make_user("grid_feedback_worker", GRID)
    admin = sign_in(visits, "community_admin", "c1/s1/m1")
    person = register(admin, name="赵玉兰", age=85)
    drain(visits)
    assert roster(visits)[("elderly_alone", person["id"])][3] == old.username

    revoke(visits, old, "grid_feedback_worker", GRID)
    clock.advance(minutes=16)
    run_due_jobs(visits)
    assert roster(visits)[("elderly_alone", person["id"])][3] is None
    assert any("赵玉兰 没有网格员负责" in title for title in inbox_titles(admin))

    new = make_user("grid_feedback_worker", GRID)
    clock.advance(minutes=16)
    run_due_jobs(visits)
    assert roster(visits)[("elderly_alone", person["id"])][3] == new.username
    assert not any("赵玉兰 没有网格员负责" in title for title in inbox_titles(admin))
    worker = signed_in_client(visits, new)
    assert [
        item["name"] for item in worker.get("/api/v1/special_visits/entries?mine=1&view=all").get_json()["items"]
    ] == ["赵玉兰"]


def test_a_community_admin_chooses_another_visitor_for_one_resident(visits, sign_in, make_user, clock):
    make_user("grid_feedback_worker", GRID)
    helper = make_user("grid_feedback_worker", GRID, username="helper_li")
    admin = sign_in(visits, "community_admin", "c1/s1/m1")
    person = register(admin, age=85)
    drain(visits)
    entry = entry_id(visits, person["id"])

    refused = admin.post(f"/special_visits/entries/{entry}/assign", data={"username": "someone_else"})
    assert refused.status_code == 422
    assert admin.post(f"/special_visits/entries/{entry}/assign", data={"username": helper.username}).status_code == 303
    clock.advance(minutes=16)
    run_due_jobs(visits)  # the reassignment job leaves a valid override alone
    assert roster(visits)[("elderly_alone", person["id"])][3] == "helper_li"


def test_a_grid_worker_sees_only_their_grids_roster(visits, sign_in, make_user):
    make_user("grid_feedback_worker", GRID)
    make_user("grid_feedback_worker", "c1/s1/m12/g10")
    county = sign_in(visits, "county_admin", "c1")
    register(county, name="本网格", age=80)
    register(county, name="隔壁社区", age=80, grid="c1/s1/m12/g10")
    drain(visits)

    worker = sign_in(visits, "grid_feedback_worker", GRID)
    names = [item["name"] for item in worker.get("/api/v1/special_visits/entries?view=all").get_json()["items"]]
    assert names == ["本网格"]
    page = worker.get("/special_visits/?view=all&mine=0").get_data(as_text=True)
    assert "本网格" in page and "隔壁社区" not in page
