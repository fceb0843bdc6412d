"""Property-based fuzzing of every operation in the app's own OpenAPI document with
schemathesis (pinned in the ``test`` extra), in-process against the WSGI app, signed in
with bearer tokens of three demo accounts: the county admin, a community admin and a grid
worker, each on a fresh demo database.

Checks on every response: no 5xx; the status code, content type and (where declared)
schema are what the document says; every 4xx is ``application/problem+json`` with a
Chinese ``detail``. Seeded, without an example database: every run sends the same
requests (about 2,200, 50–110 s on SQLite or PostgreSQL). The county admin's run adds
schemathesis's coverage phase (boundary values; for resident_info's bodies also missing and
wrong-typed fields); the other two fuzz fewer examples, mostly meeting 403s and 404s —
which must be problems too.

A failure names the operation and prints a curl command that reproduces it.
"""

import re

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.testing import TEST_PASSWORD

SEED = 20260917
# Fuzzing examples per operation for each demo account (about a third of them invalid data),
# and whether schemathesis's coverage phase runs too: every field at its boundaries, each
# enum value, required-only and all-fields bodies (about 700 requests); and for
# resident_info's bodies, which its services read by hand rather than through json_body's
# schema check, also each field missing, too long or of every wrong type (about 600 more).
ACCOUNTS = {"county_admin": (8, True), "community_admin": (5, False), "grid_worker": (3, False)}
PLUGINS = ["resident_info"]
PACKAGES = [
    "county_admin",
    "street_admin",
    "community_admin",
    "event_dispatcher",
    "grid_feedback_worker",
    "data_supervisor",
]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def problem_json_for_every_4xx(ctx, response, case):
    """A 4xx is ``application/problem+json`` whose ``detail`` says, in Chinese, what is wrong."""
    if not 400 <= response.status_code < 500:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.split(";")[0].strip() == "application/problem+json", (
        f"{response.status_code} answered as {content_type!r}, not application/problem+json"
    )
    detail = response.json().get("detail")
    assert isinstance(detail, str) and CHINESE.search(detail), f"detail is not Chinese: {detail!r}"
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    problem_json_for_every_4xx,
]


def valid_id_numbers():
    """A few well-formed resident ID numbers (a random one almost never passes the check digit)."""
    from plugins.resident_info.register.ids import check_character

    first17 = ["11010119800101123", "33010219751231002", "44030620100228001"]
    return [digits + check_character(digits) for digits in first17]


@pytest.fixture(params=list(ACCOUNTS))
def account(request):
    return request.param


@pytest.fixture
def demo_app(app):
    """The database as ``gridwork demo`` leaves it, the accounts' password the tests' one."""
    from core.demo import prepare_demo

    with app.app_context():
        prepare_demo(app, TEST_PASSWORD)
    return app


@pytest.fixture
def bearer(demo_app, account):
    response = demo_app.test_client().post("/api/v1/auth/token", json={"username": account, "password": TEST_PASSWORD})
    assert response.status_code == 201, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


@pytest.fixture
def demo_nodes(demo_app):
    from core.db import session_scope
    from core.demo import DEMO_COUNTY, demo_org_nodes

    with demo_app.app_context(), session_scope(demo_app) as db:
        return demo_org_nodes(db, DEMO_COUNTY)


@pytest.fixture
def own_records(demo_app, bearer):
    """What the fuzzer must not do to itself, or the rest of its run meets only 401s and
    403s: {(method, path template): {parameter: values}}."""
    client = demo_app.test_client()
    me = client.get("/api/v1/me", headers=bearer).get_json()
    grants = client.get(f"/api/v1/grants?user_id={me['id']}", headers=bearer).get_json().get("items", [])
    return {
        ("PATCH", "/api/v1/users/{user_id}"): {"user_id": {str(me["id"])}},
        ("DELETE", "/api/v1/grants/{grant_id}"): {"grant_id": {str(grant["id"]) for grant in grants}},
        # switching resident_info off where the fuzzer works
        ("PUT", "/api/v1/plugins/{name}/nodes/{node_id}"): {"name": set(PLUGINS)},
    }


def _locks_itself_out(case, own_records):
    guarded = own_records.get((case.method.upper(), case.operation.path), {})
    return any(str((case.path_parameters or {}).get(name)) in values for name, values in guarded.items())


@pytest.fixture
def api_schema(request, demo_app, account, demo_nodes):
    # schemathesis 4.32.5 reads and renames Node._nodeid, which pytest 9.2 no longer has.
    request.node._nodeid = request.node.nodeid
    examples, coverage = ACCOUNTS[account]
    paths = [node["path"] for node in demo_nodes]
    node_ids = [path.rpartition("/")[2] for path in paths]
    # Real values part of the time, so requests get past "not found" to the rules behind it.
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": examples, "database": "none"},
            "phases": {
                "stateful": {"enabled": False},
                "coverage": {"enabled": coverage, "generation": {"mode": "positive"}},
            },
            "operations": [
                {
                    "include-by": "/requestBody/required == true",
                    "exclude-tag-regex": "^(?!resident_info$)",
                    "phases": {"coverage": {"generation": {"mode": "all"}}},
                }
            ],
            "dictionaries": {
                "org_paths": {"values": paths},
                "node_ids": {"values": node_ids},
                "ids": {"values": list(range(1, 25))},
                "plugins": {"values": PLUGINS},
                "packages": {"values": PACKAGES},
                "id_numbers": {"values": valid_id_numbers()},
            },
            "parameters": {
                **{key: {"dictionary": "org_paths", "probability": 0.5} for key in ("body.org_path", "query.org_path")},
                **{
                    key: {"dictionary": "node_ids", "probability": 0.5}
                    for key in (
                        "path.node_id",
                        "body.parent_id",
                        "body.into",
                        "query.parent_id",
                        "query.county",
                        "body.county_path",
                    )
                },
                **{
                    f"path.{name}": {"dictionary": "ids", "probability": 0.5}
                    for name in ("user_id", "grant_id", "resident_id", "household_id", "job_id")
                },
                **{
                    key: {"dictionary": "ids", "probability": 0.5}
                    for key in ("body.keep_id", "body.merge_id", "body.user_id", "query.user_id", "query.household_id")
                },
                "path.name": {"dictionary": "plugins", "probability": 0.5},
                "body.package": {"dictionary": "packages", "probability": 0.5},
                "body.id_number": {"dictionary": "id_numbers", "probability": 0.5},
            },
        }
    )
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", demo_app, config=config)


def test_the_document_describes_the_resident_filters_the_export_and_the_uploads(client):
    """What the fuzzer can only exercise if the document says so."""
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    def query_of(path, method="get"):
        return {
            parameter["name"]: parameter["schema"]
            for parameter in paths[path][method]["parameters"]
            if parameter["in"] == "query"
        }

    listing = query_of("/api/v1/resident_info/residents")
    assert {
        "org_path",
        "tag",
        "name",
        "name_prefix",
        "id_last4",
        "status",
        "registration",
        "household_id",
        "min_age",
        "max_age",
        "sort",
        "limit",
        "offset",
    } <= set(listing)
    assert listing["limit"]["maximum"] == 200 and "-updated_at" in listing["sort"]["enum"]
    for method in ("get", "post"):
        export = query_of("/api/v1/resident_info/residents/export", method)
        assert {"org_path", "name_prefix", "format", "unmasked"} <= set(export) and "limit" not in export
    upload = paths["/api/v1/resident_info/imports"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert upload["required"] == ["file", "org_path"] and upload["properties"]["file"]["format"] == "binary"
    assert set(upload["properties"]) == {"file", "org_path", "mode", "mapping"}
    preview = paths["/api/v1/resident_info/imports/preview"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert preview["schema"]["required"] == ["file"]


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_every_operation_answers_as_documented(case, bearer, own_records):
    if _locks_itself_out(case, own_records):
        return
    case.call_and_validate(headers=bearer, checks=CHECKS)
