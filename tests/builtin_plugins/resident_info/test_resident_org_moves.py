"""Residents and households follow their grid when admins restructure the tree (outside
probe, issue 9 §1): a community moved to another street takes its residents along, the old
street's admin loses them and the new street's admin can read and edit them; a merge folds
them into the target; a grid that still holds residents is not deleted."""

from sqlalchemy import text

from core.db import engine_of
from core.testing import GridworkClient

RESIDENTS = "/api/v1/resident_info/residents"


def register(client, org_path):
    answer = client.post(
        RESIDENTS,
        json={
            "name": "王秀英",
            "birth_date": "1948-03-07",
            "gender": "female",
            "phone": "13812345678",
            "org_path": org_path,
            "building": "3号楼",
            "unit": "2单元",
            "room": "301",
        },
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def rows(app, sql, **params):
    with engine_of(app).connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), params).all()]


def admin_client(app, make_user, package, path):
    client = GridworkClient(app.test_client())
    assert client.login(make_user(package, path).username).status_code == 302
    return client


def test_a_moved_community_takes_its_residents_to_the_new_street(app, client, login_as, make_user, enabled):
    login_as("community_admin", "c1/s1/m1")
    resident = register(client, org_path="c1/s1/m1/g1")
    county = admin_client(app, make_user, "county_admin", "c1")
    old_street = admin_client(app, make_user, "street_admin", "c1/s1")
    new_street = admin_client(app, make_user, "street_admin", "c1/s2")
    assert county.post("/api/v1/orgs/m1/move", json={"parent_id": "s2"}).status_code == 200

    ((path, county_path),) = rows(
        app, "SELECT org_path, county_path FROM resident_info_resident WHERE id = :id", id=resident["id"]
    )
    assert (path, county_path) == ("c1/s2/m1/g1", "c1")
    assert old_street.get(f"{RESIDENTS}/{resident['id']}").status_code == 404
    read = new_street.get(f"{RESIDENTS}/{resident['id']}")
    assert read.status_code == 200
    edited = new_street.patch(
        f"{RESIDENTS}/{resident['id']}", json={"notes": "已随社区调整", "version": read.get_json()["version"]}
    )
    assert edited.status_code == 200, edited.get_json()


def test_a_merge_folds_the_residents_into_the_target_grid(app, client, login_as, make_user, enabled):
    login_as("community_admin", "c1/s1/m12")
    resident = register(client, org_path="c1/s1/m12/g10")
    county = admin_client(app, make_user, "county_admin", "c1")
    assert county.post("/api/v1/orgs/m12/merge", json={"into": "m1"}).status_code == 200
    assert rows(app, "SELECT org_path FROM resident_info_resident WHERE id = :id", id=resident["id"]) == [
        ("c1/s1/m1/g10",)
    ]


def test_a_grid_that_holds_residents_is_not_deleted(app, client, login_as, make_user, enabled):
    login_as("community_admin", "c1/s2/m2")
    register(client, org_path="c1/s2/m2/g2")
    county = admin_client(app, make_user, "county_admin", "c1")
    refused = county.delete("/api/v1/orgs/g2")
    assert refused.status_code == 409
    assert "居民信息" in refused.get_json()["detail"] and "1 条记录" in refused.get_json()["detail"]
    assert rows(app, "SELECT count(*) FROM core_org_node WHERE id = 'g2'") == [(1,)]
