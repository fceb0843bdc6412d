"""The org tree (组织架构) as admins meet it: create, rename, move, merge, delete, scope."""

import json

import pytest
from sqlalchemy import text

from core.testing import GridworkClient, build_tree


def node_rows(app):
    """{id: (parent_id, path, depth, name)} straight from the table."""
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        rows = conn.execute(text("SELECT id, parent_id, path, depth, name FROM core_org_node"))
        return {row.id: (row.parent_id, row.path, row.depth, row.name) for row in rows}


def paths(app):
    return {node_id: row[1] for node_id, row in node_rows(app).items()}


def user_path(app, user_id):
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        return conn.execute(text("SELECT org_path FROM core_user WHERE id = :id"), {"id": user_id}).scalar_one()


def grant_paths(app, user_id):
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        return sorted(
            conn.execute(
                text("SELECT v2 FROM core_casbin_rule WHERE ptype = 'g' AND v0 = :u"), {"u": f"u:{user_id}"}
            ).scalars()
        )


def audit(app, action):
    from core.db import engine_of

    with engine_of(app).connect() as conn:
        rows = conn.execute(
            text("SELECT org_path, detail FROM core_audit_entry WHERE action = :a ORDER BY seq"), {"a": action}
        ).all()
    return [(row.org_path, row.detail if isinstance(row.detail, dict) else json.loads(row.detail)) for row in rows]


def grant(app, user, package, path):
    from core.db import session_scope
    from core.permissions.store import grant_package

    with app.app_context(), session_scope(app) as db:
        grant_package(db, user.id, package, path)


def as_other_user(app, user):
    other = GridworkClient(app.test_client())
    assert other.login(user.username).status_code == 302
    return other


def test_county_admin_adds_a_community_and_finds_it_in_the_list(app, client, org_tree, login_as):
    login_as("county_admin", "c1")
    response = client.post("/api/v1/orgs", json={"parent_id": "s1", "name": "  新风社区 "})
    assert response.status_code == 201
    node = response.get_json()
    assert node["name"] == "新风社区" and node["kind"] == "community" and node["kind_title"] == "社区/村"
    assert node["id"].startswith("m") and len(node["id"]) == 6
    assert node["path"] == f"c1/s1/{node['id']}" and node["depth"] == 2 and node["created_at"].endswith("+00:00")
    found = client.get("/api/v1/orgs?q=新风").get_json()
    assert found["total"] == 1 and found["items"][0]["id"] == node["id"]
    assert audit(app, "core.org_created") == [
        (node["path"], {"id": node["id"], "kind": "community", "name": "新风社区", "parent_id": "s1"})
    ]


def test_a_chosen_id_is_kept_and_a_taken_one_refused(client, org_tree, login_as):
    login_as("county_admin", "c1")
    assert client.post("/api/v1/orgs", json={"id": "g_new", "parent_id": "m1", "name": "新网格"}).status_code == 201
    again = client.post("/api/v1/orgs", json={"id": "g_new", "parent_id": "m2", "name": "另一个"})
    assert again.status_code == 409
    assert again.get_json()["pointer"] == "/id" and "已被占用" in again.get_json()["detail"]


@pytest.mark.parametrize(
    "body, status, pointer, words",
    [
        ({"id": "M-1", "parent_id": "s1", "name": "社区"}, 422, "/id", "格式不正确"),
        ({"parent_id": "s1", "kind": "grid", "name": "网格"}, 422, "/kind", "只能添加“社区/村”"),
        ({"parent_id": "s1", "kind": "village", "name": "村"}, 422, "/kind", "取值必须是"),
        ({"parent_id": "s1", "name": "   "}, 422, "/name", "名称不能为空"),
        ({"parent_id": "s1", "name": "社\u202e区"}, 422, "/name", "控制字符"),
        ({"parent_id": "g1", "name": "子网格"}, 422, "/parent_id", "网格是最末一级"),
        ({"name": "新县"}, 403, "/parent_id", "不能通过接口新建县/区"),
        ({"parent_id": "nowhere", "name": "社区"}, 404, "/parent_id", "不存在"),
    ],
)
def test_bad_new_nodes_are_refused_in_chinese_and_nothing_is_stored(
    app, client, org_tree, login_as, body, status, pointer, words
):
    login_as("county_admin", "c1")
    response = client.post("/api/v1/orgs", json=body)
    assert response.status_code == status
    problem = response.get_json()
    assert problem["pointer"] == pointer and words in problem["detail"]
    assert len(node_rows(app)) == len(org_tree)
    assert audit(app, "core.org_created") == []


def test_renaming_shows_the_new_name_everywhere(app, client, org_tree, login_as):
    login_as("street_admin", "c1/s1")
    response = client.patch("/api/v1/orgs/m1", json={"name": "幸福里社区"})
    assert response.status_code == 200 and response.get_json()["name"] == "幸福里社区"
    assert client.get("/api/v1/orgs/m1").get_json()["name"] == "幸福里社区"
    assert "幸福里社区" in client.get("/orgs").get_data(as_text=True)
    assert audit(app, "core.org_renamed") == [("c1/s1/m1", {"old": "幸福社区", "new": "幸福里社区"})]


def test_moving_a_community_takes_its_grids_people_and_grants_along(app, client, org_tree, login_as, make_user):
    community_admin = make_user("community_admin", "c1/s1/m1")
    grid_worker = make_user("grid_feedback_worker", "c1/s1/m1/g1")
    neighbour = make_user("community_admin", "c1/s1/m12")
    login_as("county_admin", "c1")
    response = client.post("/api/v1/orgs/m1/move", json={"parent_id": "s2"})
    assert response.status_code == 200 and response.get_json()["path"] == "c1/s2/m1"
    rows = node_rows(app)
    assert rows["m1"] == ("s2", "c1/s2/m1", 2, "幸福社区")
    assert rows["g1"] == ("m1", "c1/s2/m1/g1", 3, "幸福一网格")
    # The prefix trap: m12 and its grid g10 share m1's leading characters and stay put.
    assert rows["m12"][1] == "c1/s1/m12" and rows["g10"][1] == "c1/s1/m12/g10"
    assert user_path(app, community_admin.id) == "c1/s2/m1" and grant_paths(app, community_admin.id) == ["c1/s2/m1"]
    assert user_path(app, grid_worker.id) == "c1/s2/m1/g1" and grant_paths(app, grid_worker.id) == ["c1/s2/m1/g1"]
    assert user_path(app, neighbour.id) == "c1/s1/m12" and grant_paths(app, neighbour.id) == ["c1/s1/m12"]
    # The community admin keeps managing their (moved) community.
    theirs = as_other_user(app, community_admin)
    assert theirs.get("/api/v1/orgs/g1").get_json()["path"] == "c1/s2/m1/g1"
    assert theirs.get("/api/v1/me").get_json()["org_path"] == "c1/s2/m1"
    assert audit(app, "core.org_moved")[0][0] == "c1/s2/m1"
    assert audit(app, "core.org_moved")[0][1]["old"] == "c1/s1/m1"


def test_moving_street_s1_leaves_sibling_s10_untouched(app, client, org_tree, login_as, make_user):
    from core.db import session_scope

    with app.app_context(), session_scope(app) as db:
        build_tree(db, (("c2", None, "county", "邻县"),))
    _add_under(
        app,
        (
            ("s10", "c1", "street", "十里街道"),
            ("m100", "s10", "community", "百福社区"),
            ("g100", "m100", "grid", "百福网格"),
        ),
    )
    s10_admin = make_user("street_admin", "c1/s10")
    admin = login_as("county_admin", "c1")
    grant(app, admin, "county_admin", "c2")
    assert client.post("/api/v1/orgs/s1/move", json={"parent_id": "c2"}).status_code == 200
    moved = paths(app)
    assert (moved["s1"], moved["m1"], moved["m12"], moved["g10"]) == ("c2/s1", "c2/s1/m1", "c2/s1/m12", "c2/s1/m12/g10")
    assert (moved["s10"], moved["m100"], moved["g100"]) == ("c1/s10", "c1/s10/m100", "c1/s10/m100/g100")
    assert user_path(app, s10_admin.id) == "c1/s10" and grant_paths(app, s10_admin.id) == ["c1/s10"]


def _add_under(app, rows):
    """Insert nodes whose parents already exist."""
    from core.db import session_scope
    from core.tree.models import OrgNode

    with app.app_context(), session_scope(app) as db:
        known = paths(app)
        for node_id, parent_id, kind, name in rows:
            known[node_id] = f"{known[parent_id]}/{node_id}"
            db.add(
                OrgNode(
                    id=node_id,
                    parent_id=parent_id,
                    kind=kind,
                    name=name,
                    path=known[node_id],
                    depth=known[node_id].count("/"),
                )
            )
            db.flush()


@pytest.mark.parametrize(
    "node_id, parent_id, words",
    [
        ("s1", "m1", "它自己或它的下级"),
        ("m1", "m1", "它自己或它的下级"),
        ("m1", "c1", "只能放在“街道/乡镇”之下"),
        ("c1", "s1", "县/区是最上一级"),
    ],
)
def test_impossible_moves_are_refused_and_nothing_changes(app, client, org_tree, login_as, node_id, parent_id, words):
    login_as("county_admin", "c1")
    before = node_rows(app)
    response = client.post(f"/api/v1/orgs/{node_id}/move", json={"parent_id": parent_id})
    assert response.status_code == 422
    assert response.get_json()["pointer"] == "/parent_id" and words in response.get_json()["detail"]
    assert node_rows(app) == before


def test_merging_communities_moves_grids_people_and_grants_then_removes_the_source(
    app, client, org_tree, login_as, make_user
):
    merged_admin = make_user("community_admin", "c1/s1/m12")
    login_as("street_admin", "c1/s1")
    response = client.post("/api/v1/orgs/m12/merge", json={"into": "m1"})
    assert response.status_code == 200 and response.get_json()["id"] == "m1"
    rows = node_rows(app)
    assert "m12" not in rows
    assert rows["g10"] == ("m1", "c1/s1/m1/g10", 3, "和平十网格")
    assert user_path(app, merged_admin.id) == "c1/s1/m1" and grant_paths(app, merged_admin.id) == ["c1/s1/m1"]
    assert client.get("/api/v1/orgs/m12").status_code == 404
    # The former m12 admin now manages the merged community, including its old grid.
    theirs = as_other_user(app, merged_admin)
    assert {item["id"] for item in theirs.get("/api/v1/orgs").get_json()["items"]} == {"m1", "g1", "g10"}
    ((org_path, detail),) = audit(app, "core.org_merged")
    assert org_path == "c1/s1/m1" and detail["old"] == "c1/s1/m12" and detail["users"] == 1


@pytest.mark.parametrize(
    "source, into, words",
    [
        ("m1", "m1", "合并到它自己"),
        ("m1", "s1", "上下级节点"),
        ("m1", "g10", "同一级别"),
    ],
)
def test_impossible_merges_are_refused(app, client, org_tree, login_as, source, into, words):
    login_as("county_admin", "c1")
    before = node_rows(app)
    response = client.post(f"/api/v1/orgs/{source}/merge", json={"into": into})
    assert response.status_code == 422
    assert response.get_json()["pointer"] == "/into" and words in response.get_json()["detail"]
    assert node_rows(app) == before


def test_community_admin_of_m1_cannot_see_or_touch_m12(app, client, org_tree, login_as):
    login_as("community_admin", "c1/s1/m1")
    listing = client.get("/api/v1/orgs").get_json()
    assert [item["id"] for item in listing["items"]] == ["m1", "g1"] and listing["total"] == 2
    before = node_rows(app)
    attempts = [
        client.get("/api/v1/orgs/m12"),
        client.get("/api/v1/orgs/g10"),
        client.patch("/api/v1/orgs/m12", json={"name": "我的"}),
        client.post("/api/v1/orgs/m12/move", json={"parent_id": "s2"}),
        client.post("/api/v1/orgs/m12/merge", json={"into": "m1"}),
        client.post("/api/v1/orgs/m1/merge", json={"into": "m12"}),
        client.post("/api/v1/orgs/g1/move", json={"parent_id": "m12"}),
        client.post("/api/v1/orgs", json={"parent_id": "m12", "name": "新网格"}),
        client.delete("/api/v1/orgs/g10"),
    ]
    assert [response.status_code for response in attempts] == [404] * len(attempts)
    assert all("不在您的管理范围内" in response.get_json()["detail"] for response in attempts)
    assert node_rows(app) == before


def test_an_id_with_a_trailing_newline_is_refused_everywhere(app, client, org_tree, login_as, make_user):
    """ "m9\n" once made a node at "c1/s1/m9\n"; moving a granted grid under it broke the grant."""
    worker = make_user("grid_feedback_worker", "c1/s1/m1/g1")
    login_as("street_admin", "c1/s1")
    before = node_rows(app)
    created = client.post("/api/v1/orgs", json={"parent_id": "s1", "id": "m9\n", "name": "换行社区"})
    assert created.status_code == 422 and created.get_json()["pointer"] == "/id"
    assert "格式不正确" in created.get_json()["detail"]
    moved = client.post("/api/v1/orgs/g1/move", json={"parent_id": "m1\n"})
    assert moved.status_code == 422 and moved.get_json()["pointer"] == "/parent_id"
    assert client.get("/api/v1/orgs/m1%0A").status_code == 404
    assert client.patch("/api/v1/orgs/g1%0A", json={"name": "改名"}).status_code == 404
    assert node_rows(app) == before and grant_paths(app, worker.id) == ["c1/s1/m1/g1"]
    assert audit(app, "core.org_created") == [] and audit(app, "core.org_moved") == []


def test_the_id_check_refuses_a_trailing_newline_for_service_callers(app, org_tree):
    from core.api.errors import ServiceError
    from core.db import session_scope
    from core.orgs.service import Editor, create_node, is_node_id
    from core.tree.scope import whole_tree_scope

    assert is_node_id("m9") and not is_node_id("m9\n")
    with app.app_context(), session_scope(app) as db:
        with pytest.raises(ServiceError) as refused:
            create_node(db, Editor("cli", whole_tree_scope(db)), parent_id="s1", name="换行社区", node_id="m9\n")
    assert (refused.value.status, refused.value.pointer) == (422, "/id")
    assert "m9\n" not in node_rows(app)


def test_a_parent_outside_my_scope_is_not_found_whether_or_not_the_id_is_taken(app, client, org_tree, login_as):
    """Otherwise the answer (409 or 404) would tell whether id "g2" exists in the next street."""
    login_as("community_admin", "c1/s1/m1")
    taken = client.post("/api/v1/orgs", json={"parent_id": "s2", "id": "g2", "name": "x"})
    free = client.post("/api/v1/orgs", json={"parent_id": "s2", "id": "g_nope", "name": "x"})
    assert taken.status_code == free.status_code == 404
    assert taken.get_json()["detail"] == free.get_json()["detail"] and taken.get_json()["pointer"] == "/parent_id"
    # Inside the scope a taken id is still a conflict.
    assert client.post("/api/v1/orgs", json={"parent_id": "m1", "id": "g2", "name": "x"}).status_code == 409


@pytest.mark.parametrize(
    "query", ["offset=" + "9" * 30, "offset=" + "9" * 5000, "offset=1000000001", "limit=" + "9" * 30]
)
def test_huge_paging_numbers_are_named_not_a_crash(client, org_tree, login_as, query):
    login_as("county_admin", "c1")
    response = client.get(f"/api/v1/orgs?{query}")
    assert response.status_code == 422 and response.get_json()["pointer"] == "/" + query.split("=")[0]
    last = client.get("/api/v1/orgs?offset=1000000000")
    assert last.status_code == 200 and last.get_json()["items"] == []


def test_reader_without_write_permission_is_refused(client, org_tree, login_as):
    login_as("grid_feedback_worker", "c1/s1/m1/g1")
    assert client.get("/api/v1/orgs/g1").status_code == 200
    assert client.patch("/api/v1/orgs/g1", json={"name": "改名"}).status_code == 403
    assert "管理组织架构" not in client.get("/orgs").get_data(as_text=True)


def test_list_filters_and_pages(client, org_tree, login_as):
    login_as("county_admin", "c1")
    grids = client.get("/api/v1/orgs?kind=grid&limit=2").get_json()
    assert grids["total"] == 3 and [item["id"] for item in grids["items"]] == ["g1", "g10"]
    assert [item["id"] for item in client.get("/api/v1/orgs?parent_id=s1").get_json()["items"]] == ["m1", "m12"]
    assert client.get("/api/v1/orgs?q=%25").get_json()["total"] == 0  # "%" is a character, not a wildcard
    too_many = client.get("/api/v1/orgs?limit=501")
    assert too_many.status_code == 422 and too_many.get_json()["pointer"] == "/limit"


def test_only_an_empty_unused_node_can_be_deleted(app, client, org_tree, login_as, make_user):
    make_user("grid_feedback_worker", "c1/s2/m2/g2")
    login_as("county_admin", "c1")
    assert client.delete("/api/v1/orgs/g1").status_code == 204
    assert "g1" not in node_rows(app) and audit(app, "core.org_deleted")[0][0] == "c1/s1/m1/g1"
    has_children = client.delete("/api/v1/orgs/m12")
    assert has_children.status_code == 409 and "下级节点" in has_children.get_json()["detail"]
    has_people = client.delete("/api/v1/orgs/g2")
    assert has_people.status_code == 409 and "账号" in has_people.get_json()["detail"]


def test_street_admin_sees_the_tree_page_and_uses_its_forms(client, org_tree, login_as):
    login_as("street_admin", "c1/s1")
    page = client.get("/orgs").get_data(as_text=True)
    assert "东湖街道" in page and "幸福社区" in page and "和平十网格" in page and "网格" in page
    assert "西山镇" not in page and "青山村" not in page
    assert "管理组织架构" in page and 'name="csrf_token"' in page
    created = client.post("/orgs/create", data={"parent_id": "m1", "name": "幸福二网格"})
    assert created.status_code == 302
    assert "已新建“幸福二网格”" in client.get("/orgs").get_data(as_text=True)
    refused = client.post("/orgs/move", data={"node_id": "m1", "parent_id": "s2"})
    assert refused.status_code == 302
    assert "未能完成：组织节点不存在，或不在您的管理范围内。" in client.get("/orgs").get_data(as_text=True)


def test_org_routes_are_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert {
        "/api/v1/orgs",
        "/api/v1/orgs/{node_id}",
        "/api/v1/orgs/{node_id}/move",
        "/api/v1/orgs/{node_id}/merge",
        "/api/v1/orgs/import",
        "/api/v1/orgs/import/template",
    } <= set(document["paths"])
