"""The cross-tenant matrix: every route × every default role package × a sibling and a
cousin tenant. Routes are read from ``app.url_map``, so a route added later is walked too;
a route with a URL variable the matrix cannot fill fails here until it is taught.

The actor holds its package at community ``m1``. ``m12`` is a sibling whose id starts with
``m1`` (the prefix trap) and ``m2`` is a cousin under another street. Each foreign tenant
holds a user, a grant, a token and an audit entry carrying a ``LEAK-…`` marker.
"""
import re

import pytest
from sqlalchemy import text

from core.state import state_of
from core.audit.chain import record_audit
from core.auth.tokens import create_token
from core.db import engine_of, session_scope
from core.permissions.defaults import DEFAULT_PACKAGES
from core.permissions.store import grant_package

OWN, FOREIGN = "m1", ("m12", "m2")
PATHS = {"m1": "c1/s1/m1", "m12": "c1/s1/m12", "m2": "c1/s2/m2"}
# Routes that are not tenant-scoped by nature: sign-in, health, the API description, assets.
OPEN_ENDPOINTS = {"static", "core_ui.static", "core_auth.login", "core_auth.logout", "core_meta.healthz",
                  "core_meta.openapi_document", "core_auth_api.issue_token"}
NOT_OWN = "org_path <> 'c1/s1/m1' AND org_path NOT LIKE 'c1/s1/m1/%'"  # m12 is foreign too
# Tables whose rows a refused write must leave untouched (sessions, throttle and audit rows
# legitimately change while the matrix runs).
GUARDED = {
    "core_org_node": "SELECT id, parent_id, kind, name, path FROM core_org_node ORDER BY id",
    "core_user": "SELECT id, username, display_name, org_path, is_active, password_hash FROM core_user ORDER BY id",
    "core_casbin_rule": "SELECT id, ptype, v0, v1, v2 FROM core_casbin_rule ORDER BY id",
    # The actor may create tokens of its own; the foreign tenants' tokens must not move.
    "core_api_token": "SELECT t.id, t.user_id, t.revoked_at FROM core_api_token t JOIN core_user u "
                      "ON u.id = t.user_id WHERE u.username IN ('leak_m12', 'leak_m2') ORDER BY t.id",
    "core_role_package": "SELECT name, title_zh, description FROM core_role_package ORDER BY name",
    "resident_info_resident": "SELECT id, org_path, name, version, merged_into_id FROM resident_info_resident "
                              f"WHERE {NOT_OWN} ORDER BY id",
    "resident_info_household": f"SELECT id, org_path, head_resident_id FROM resident_info_household WHERE {NOT_OWN} "
                               "ORDER BY id",
    "resident_info_import_job": "SELECT id, org_path, status, imported FROM resident_info_import_job "
                                f"WHERE {NOT_OWN} ORDER BY id",
}


@pytest.fixture
def tenants(app, org_tree, make_user):
    """Per community: a marked user with a grant and a token, and a marked audit entry."""
    found = {}
    for community, path in PATHS.items():
        user = make_user("grid_feedback_worker", path, username=f"leak_{community}")
        with app.app_context(), session_scope(app) as db:
            token, _ = create_token(db, user, f"LEAK-{community}")
            grant = grant_package(db, user.id, "event_dispatcher", path)
            record_audit(db, "core.matrix_marker", actor=f"leak_{community}", target=f"LEAK-{community}", org_path=path)
            found[community] = {"node_id": community, "user_id": user.id, "grant_id": grant.id, "token_id": token.id,
                                "path": path}
    for community, ids in resident_records(app, make_user).items():
        found[community].update(ids)
    return found


def resident_records(app, make_user):
    """With resident_info loaded: switch it on for the county and give each community a
    marked resident and household, so its routes are walked with the plugin on."""
    from core.plugin_system.enablement import set_state
    from core.testing import GridworkClient

    host = state_of(app).host
    if host.get("resident_info") is None:
        return {community: {"resident_id": 1, "household_id": 1, "job_id": 1} for community in PATHS}
    with app.app_context(), session_scope(app) as db:
        set_state(db, host, "resident_info", "c1", "enabled", actor="test")
    admin = GridworkClient(app.test_client())
    admin.login(make_user("county_admin", "c1").username)
    found = {}
    for index, (community, path) in enumerate(PATHS.items()):
        household = admin.post("/api/v1/resident_info/households", json={"org_path": path}).get_json()["id"]
        resident = admin.post("/api/v1/resident_info/residents", json={
            "name": f"LEAK-{community}", "gender": "female", "birth_date": f"19{50 + index}-01-01", "org_path": path,
            "household_id": household}).get_json()["id"]
        found[community] = {"resident_id": resident, "household_id": household,
                            "job_id": marked_import(admin, community, path)}
    return found


def marked_import(admin, community, path):
    """An import job at ``path`` whose file name carries the community's marker."""
    import io
    import time

    content = f"姓名,性别,出生日期\r\nLEAK-{community}-import,男,1960-01-01\r\n".encode()
    job = admin.post("/api/v1/resident_info/imports", content_type="multipart/form-data", data={
        "file": (io.BytesIO(content), f"LEAK-{community}.csv"), "org_path": path, "mode": "valid_rows"}).get_json()
    for _ in range(400):  # it runs in a background thread; the matrix wants it finished
        if admin.get(f"/api/v1/resident_info/imports/{job['id']}").get_json()["status"] == "done":
            return job["id"]
        time.sleep(0.025)
    raise AssertionError(f"the marker import at {path} did not finish")


def snapshot(app):
    with engine_of(app).connect() as conn:
        return {table: conn.execute(text(sql)).all() for table, sql in GUARDED.items()}


def walked_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in OPEN_ENDPOINTS or rule.endpoint.endswith(".static"):  # plugins' assets
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def fill(rule, target):
    """The rule's URL with every variable pointing at ``target``'s records."""
    values = {}
    for name in rule.arguments:
        if name == "name":
            values[name] = "event_dispatcher"  # role packages are global, not tenant data
        elif name in target:
            values[name] = target[name]
        else:
            pytest.fail(f"the cross-tenant matrix cannot fill <{name}> in {rule.rule}: teach fill()")
    return re.sub(r"<(?:[a-z]+:)?([a-zA-Z_]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def hostile_body(target):
    """Every field a write might take, aimed at the foreign tenant."""
    node, path = target["node_id"], target["path"]
    return {"parent_id": node, "into": node, "node_id": node, "org_path": path, "user_id": target["user_id"],
            "grant_id": target["grant_id"], "package": "grid_feedback_worker", "name": "矩阵测试",
            "display_name": "矩阵测试", "username": "matrix_probe", "password": "matrix-probe-password",
            "is_active": False, "permissions": ["core.org_read"], "title_zh": "矩阵测试", "state": "enabled"}


def request(app, client, rule, method, url, target):
    body = hostile_body(target)
    if method == "GET":
        return client.get(url)
    if rule.rule.startswith("/api/"):
        # Only the fields the route declares, so the refusal comes from the scope check,
        # not from "unknown field" validation.
        schema = (getattr(app.view_functions[rule.endpoint], "openapi", {}) or {}).get("body") or {}
        declared = schema.get("properties")
        return client.open(url, method, json={k: v for k, v in body.items() if declared is None or k in declared})
    return client.open(url, method, data={k: str(v) for k, v in body.items() if not isinstance(v, list)})


def response_text(response):
    """The body as text; for a spreadsheet (.xlsx, a zip) the text of every part in it."""
    import io
    import zipfile

    data = response.get_data()
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return data.decode("utf-8", "replace")


def leaked_markers(response, foreign):
    text_body = response_text(response)
    return [marker for community in foreign for marker in (f"LEAK-{community}", f"leak_{community}", PATHS[community])
            if marker in text_body]


def matrix_problems(app, client, tenants, package):
    before = snapshot(app)
    problems = []
    for rule, method in walked_routes(app):
        for community in FOREIGN:
            url = fill(rule, tenants[community])
            response = request(app, client, rule, method, url, tenants[community])
            label = f"{package}: {method} {url} ({community})"
            if response.status_code == 401 or response.status_code >= 500:
                problems.append(f"{label} → {response.status_code}")
            if rule.arguments - {"name"} and response.status_code not in (403, 404):
                problems.append(f"{label} → {response.status_code}, expected 404 (or 403 without the permission)")
            leaks = leaked_markers(response, FOREIGN)
            if leaks:
                problems.append(f"{label} shows {leaks}")
            if method != "GET" and snapshot(app) != before:
                problems.append(f"{label} changed another tenant's records")
                before = snapshot(app)
    return problems


@pytest.mark.parametrize("package", [package.name for package in DEFAULT_PACKAGES])
def test_no_route_leaks_or_changes_another_tenants_records(app, client, login_as, tenants, package):
    login_as(package, PATHS[OWN])
    problems = matrix_problems(app, client, tenants, package)
    assert not problems, "\n".join(problems)


def test_the_matrix_catches_a_broken_data_scope(app, client, login_as, tenants, monkeypatch):
    """Break the shared scope mechanism the way a bug would (every subtree "covered") and
    the matrix must notice, or it proves nothing."""
    from sqlalchemy import true

    from core.tree.scope import DataScope

    login_as("community_admin", PATHS[OWN])
    monkeypatch.setattr(DataScope, "covers", lambda self, path: True)
    monkeypatch.setattr(DataScope, "clause", lambda self, column: true())
    problems = matrix_problems(app, client, tenants, "community_admin")
    assert any("shows" in problem for problem in problems)
    assert any("expected 404" in problem for problem in problems)


@pytest.mark.parametrize("package", ["county_admin", "community_admin", "data_supervisor"])
def test_own_tenant_records_are_reachable(app, client, login_as, tenants, package):
    """The matrix is only meaningful if the same routes do answer for the actor's own tenant."""
    login_as(package, PATHS[OWN])
    own = tenants[OWN]
    assert client.get(f"/api/v1/orgs/{own['node_id']}").status_code == 200
    users = client.get(f"/api/v1/users/{own['user_id']}")
    assert users.status_code == 200 and users.get_json()["username"] == "leak_m1"
    assert "leak_m1" in client.get("/api/v1/users").get_data(as_text=True)
