"""Data scope: a resident outside the caller's part of the tree does not exist for them —
404 for reads and writes alike, nothing changed — and where the plugin is switched off,
the register answers 404 as an unknown address would."""

import pytest
from import_helpers import csv_file, person_row, run
from resident_helpers import API, PLUGIN, RESIDENTS, make_id, person, register

from core.db import session_scope
from core.permissions.defaults import DEFAULT_PACKAGES
from core.plugin_system.enablement import set_state
from core.state import state_of
from core.testing import GridworkClient, rows

FOREIGN = {"m12": "c1/s1/m12/g10", "m2": "c1/s2/m2/g2"}  # m12: a sibling whose id starts with m1
OWN = "c1/s1/m1"
SNAPSHOT = (
    "SELECT id, org_path, name, phone, version, tags, merged_into_id FROM resident_info_resident "
    "WHERE org_path NOT LIKE 'c1/s1/m1/%' ORDER BY id"
)


@pytest.fixture
def foreign(app, enabled, make_user):
    """Per foreign community: a resident (with a LEAK marker for a name) and a household."""
    admin = GridworkClient(app.test_client())
    admin.login(make_user("county_admin", "c1").username)
    found = {}
    for index, (community, grid) in enumerate(FOREIGN.items()):
        household = admin.post(f"{API}/households", json={"org_path": grid}).get_json()["id"]
        resident = register(
            admin,
            name=f"LEAK{community}",
            id_number=resident_id_number(index),
            org_path=grid,
            household_id=household,
            relation_to_head="head",
        )
        job = run(admin, csv_file([person_row(90 + index, grid=grid, 姓名=f"LEAK{community}导入")]), org_path=grid)
        found[community] = {
            "id_number": resident_id_number(index),
            "resident_id": resident["id"],
            "household_id": household,
            "path": grid,
            "job_id": job["id"],
        }
    for community, other in (("m12", "m2"), ("m2", "m12")):
        found[community]["problem_id"] = held_row(app, make_user, FOREIGN[community], found[other]["id_number"])
    return found


def held_row(app, make_user, grid, id_number):
    """A row held for a county check: the community at ``grid`` imports a person of another street."""
    importer = GridworkClient(app.test_client())
    importer.login(make_user("community_admin", grid.rpartition("/")[0]).username)
    job = run(importer, csv_file([person_row(80, grid=grid, 身份证号=id_number)]), org_path=grid)
    ((problem_id,),) = rows(app, "SELECT id FROM resident_info_import_problem WHERE job_id = :j", j=job["id"])
    return problem_id


def resident_id_number(index):
    return make_id("19700101", f"{index}01")


def test_a_resident_of_a_sibling_or_cousin_community_is_404_on_every_route(app, client, login_as, foreign):
    login_as("community_admin", OWN)
    before = rows(app, SNAPSHOT)
    for target in foreign.values():
        rid = target["resident_id"]
        for method, url, body in (
            ("GET", f"{RESIDENTS}/{rid}", None),
            ("GET", f"{RESIDENTS}/{rid}?reveal=1", None),
            ("GET", f"{RESIDENTS}/{rid}/history", None),
            ("PATCH", f"{RESIDENTS}/{rid}", {"version": 1, "room": "x"}),
            ("GET", f"{API}/households/{target['household_id']}", None),
            ("GET", f"/{PLUGIN}/residents/{rid}", None),
            ("GET", f"/{PLUGIN}/residents/{rid}/edit", None),
            ("POST", f"/{PLUGIN}/residents/{rid}/reveal", None),
        ):
            response = client.open(url, method, json=body)
            assert response.status_code == 404, (method, url, response.status_code)
            assert "LEAK" not in response.get_data(as_text=True)
    assert rows(app, SNAPSHOT) == before
    assert rows(app, "SELECT count(*) FROM core_audit_entry WHERE action = 'resident_info.sensitive_viewed'")[0][0] == 0


def test_a_merge_reaching_into_another_community_is_404_and_changes_nothing(app, client, login_as, foreign):
    login_as("community_admin", OWN)
    own = register(client, name="LEAKm12")
    before = rows(app, SNAPSHOT)
    response = client.post(
        f"{RESIDENTS}/merge",
        json={"keep_id": own["id"], "keep_version": 1, "merge_id": foreign["m12"]["resident_id"], "merge_version": 1},
    )
    assert response.status_code == 404 and rows(app, SNAPSHOT) == before


def test_registering_into_another_community_is_404_and_stores_nothing(app, client, login_as, enabled):
    login_as("community_admin", OWN)
    response = client.post(RESIDENTS, json=person(org_path=FOREIGN["m12"]))
    assert response.status_code == 404
    assert rows(app, "SELECT count(*) FROM resident_info_resident")[0][0] == 0


def test_moving_a_resident_out_of_the_writers_scope_is_404_and_changes_nothing(client, login_as, enabled):
    login_as("community_admin", OWN)
    created = register(client)
    response = client.patch(f"{RESIDENTS}/{created['id']}", json={"version": 1, "org_path": FOREIGN["m2"]})
    assert response.status_code == 404
    assert client.get(f"{RESIDENTS}/{created['id']}").get_json()["org_path"] == "c1/s1/m1/g1"


def test_joining_a_household_of_another_community_is_refused(client, login_as, foreign):
    login_as("community_admin", OWN)
    response = client.post(RESIDENTS, json=person(household_id=foreign["m2"]["household_id"]))
    assert response.status_code == 422 and response.get_json()["pointer"] == "/household_id"


def test_where_the_plugin_is_switched_off_the_register_does_not_exist(app, client, login_as, org_tree, make_user):
    with app.app_context(), session_scope(app) as db:
        set_state(db, state_of(app).host, PLUGIN, "c1/s1", "enabled", actor="test")
    login_as("county_admin", "c1")
    register(client)
    assert (
        client.post(RESIDENTS, json=person(org_path=FOREIGN["m2"], id_number=make_id(sequence="777"))).status_code
        == 404
    )
    client.logout()
    login_as("community_admin", "c1/s2/m2")
    assert client.get(RESIDENTS).status_code == 404
    assert client.get(f"/{PLUGIN}/").status_code == 404
    assert "居民信息" not in client.get("/").get_data(as_text=True)


# ---------------------------------------------------------------- the matrix, for this plugin's routes


def plugin_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in (PLUGIN, f"{PLUGIN}_api") and rule.endpoint != f"{PLUGIN}.static":
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def hostile(target, own_resident):
    """Every field a write might take, aimed at the foreign community."""
    rid = target["resident_id"]
    return {
        "org_path": target["path"],
        "household_id": target["household_id"],
        "name": "矩阵测试",
        "id_number": make_id("19800101", "999"),
        "gender": "male",
        "version": 1,
        "keep_id": own_resident,
        "keep_version": 1,
        "merge_id": rid,
        "merge_version": 1,
        "building": "1",
        "county_path": "c1",
        "schema": {"type": "object", "properties": {}},
    }


@pytest.mark.parametrize("package", [package.name for package in DEFAULT_PACKAGES])
def test_no_route_of_the_register_leaks_or_changes_another_communitys_residents(
    app, client, login_as, foreign, package, make_user
):
    owner = GridworkClient(app.test_client())
    owner.login(make_user("community_admin", OWN).username)
    own_resident = register(owner, name="本社区居民")["id"]
    login_as(package, OWN)
    assert len(list(plugin_routes(app))) >= 17  # the walk covers the routes, not an empty list
    before, problems = rows(app, SNAPSHOT), []
    for rule, method in plugin_routes(app):
        for community, target in foreign.items():
            url = rule.rule
            for name in rule.arguments:
                url = url.replace(f"<int:{name}>", str(target[name]))
            body = hostile(target, own_resident)
            if rule.rule.startswith("/api/"):
                response = client.open(url, method, json=body if method != "GET" else None)
            else:
                response = client.open(
                    url,
                    method,
                    data={k: str(v) for k, v in body.items() if not isinstance(v, dict)} if method != "GET" else None,
                )
            label = f"{package}: {method} {url} ({community}) → {response.status_code}"
            if response.status_code in (401,) or response.status_code >= 500:
                problems.append(label)
            if rule.arguments and response.status_code not in (403, 404):
                problems.append(label + ", expected 404 (or 403 without the permission)")
            if b"LEAK" in response.get_data():
                problems.append(label + " shows a foreign resident")
            if rows(app, SNAPSHOT) != before:
                problems.append(label + " changed a foreign resident")
                before = rows(app, SNAPSHOT)
    assert not problems, "\n".join(problems)
