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
    register(admin, name="钱桂芳", age=88)
    drain(visits)
    assert roster(visits)[("elderly_alone", person["id"])][3] == old.username

    revoke(visits, old, "grid_feedback_worker", GRID)
    clock.advance(minutes=16)
    run_due_jobs(visits)
    assert roster(visits)[("elderly_alone", person["id"])][3] is None
    told = [title for title in inbox_titles(admin) if "没有网格员负责" in title]
    assert len(told) == 1, "one notice for the grid, not one per resident"

    new = make_user("grid_feedback_worker", GRID)
    clock.advance(minutes=16)
    run_due_jobs(visits)
    assert roster(visits)[("elderly_alone", person["id"])][3] == new.username
    assert not any("没有网格员负责" in title for title in inbox_titles(admin))
    worker = signed_in_client(visits, new)
    assert sorted(
        item["name"] for item in worker.get("/api/v1/special_visits/entries?mine=1&view=all").get_json()["items"]
    ) == ["赵玉兰", "钱桂芳"]


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


def test_a_grid_without_a_worker_is_told_once_however_many_rounds_bring_it_residents(visits, sign_in):
    from core.testing import rows

    admin = sign_in(visits, "community_admin", "c1/s1/m1")
    first = register(admin, name="赵玉兰", age=85)
    register(admin, name="钱桂芳", age=88)
    drain(visits)  # one delivery round: both new entries, neither with anyone to visit them
    register(admin, name="孙秀英", age=91)
    drain(visits)  # a later round: the grid's notice is already open
    assert {value[3] for value in roster(visits).values()} == {None}
    told = [title for title in inbox_titles(admin) if "没有网格员负责" in title]
    assert len(told) == 1, "one notice for the grid, not one per resident or per round"
    links = rows(visits, "SELECT link FROM core_notice WHERE object_type = 'unassigned_grid'")
    assert links == [(f"/special_visits/entries/{entry_id(visits, first['id'])}",)]
