"""The scanner: a representative walk through the register — API and pages, reads, writes,
exports, refusals and errors — by users WITHOUT resident_info.read_sensitive (a grid worker, an event
dispatcher, an exporter of masked lists), failing if any response body (Excel files read
cell by cell) or log record carries a full ID number or mobile number.

The one exception is a value the request itself sent (a form shown again with the
person's own typing); nothing that came from the database may appear."""

import io
import json
import logging
import re

from openpyxl import load_workbook
from resident_helpers import API, GRID, RESIDENTS, make_id, person, register
from test_resident_export import masked_exporter

from core.testing import GridworkClient

FULL_ID = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9X](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
STORED_IDS = [make_id("19400101", "011"), make_id("19620504", "122"), make_id("20120909", "233")]
STORED_PHONES = ["13800138000", "15912345678", "0571-87654321"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS = [  # masked exports answer 200 to an exporter; asking for full values answers 403
    ("GET", f"{RESIDENTS}/export", {}),
    ("GET", f"{RESIDENTS}/export?format=xlsx&building=1号楼", {}),
    ("GET", f"{RESIDENTS}/export?format=xlsx&sort=-age&name=居民", {}),
    ("GET", "/resident_info/export?tag=残疾", {}),
    ("GET", f"{RESIDENTS}/export?unmasked=1", {}),
    ("POST", "/resident_info/export?format=xlsx&unmasked=1", {}),
]


def unmasked(text, allowed=()):
    found = set(FULL_ID.findall(text)) | set(MOBILE.findall(text))
    return sorted(found - set(allowed))


def body_text(response):
    """The response as text; an .xlsx file (a zip) as the text of its cells."""
    if response.mimetype != XLSX_TYPE or response.status_code != 200:
        return response.get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    return "\n".join(" ".join(str(value) for value in row if value is not None) for row in sheet.values)


def own_values(kwargs):
    """Values the request itself carries, in its JSON body or form."""
    sent = json.dumps(kwargs.get("json", ""), ensure_ascii=False) + json.dumps(
        kwargs.get("data", ""), ensure_ascii=False
    )
    return set(FULL_ID.findall(sent)) | set(MOBILE.findall(sent))


def seed(app, make_user):
    admin = GridworkClient(app.test_client())
    admin.login(make_user("community_admin", "c1/s1/m1").username)
    household = admin.post(f"{API}/households", json={"org_path": GRID, "building": "1号楼"}).get_json()["id"]
    made = []
    for index, (id_number, phone) in enumerate(zip(STORED_IDS, STORED_PHONES)):
        made.append(
            register(
                admin,
                name=f"居民{index}",
                id_number=id_number,
                phone=phone,
                building="1号楼",
                household_id=household,
                relation_to_head="head" if index == 0 else "other",
                tags=[{"tag": "残疾", "level": 1}] if index == 1 else [],
            )
        )
    duplicate = register(admin, name="居民0", id_number=None, gender="male", birth_date="1940-01-01", phone=None)
    admin.patch(f"{RESIDENTS}/{made[0]['id']}", json={"version": 1, "phone": "13700137000"})
    return made, household, duplicate


def walk(client, made, household, duplicate):
    """(method, url, kwargs) a grid worker or a dispatcher would plausibly send."""
    first, second = made[0]["id"], made[1]["id"]
    return [
        ("GET", RESIDENTS, {}),
        ("GET", f"{RESIDENTS}?id_last4={STORED_IDS[1][-4:]}", {}),
        ("GET", f"{RESIDENTS}?name=居民&sort=-age&limit=2", {}),
        ("GET", f"{RESIDENTS}?tag=残疾", {}),
        ("GET", f"{RESIDENTS}/{first}", {}),
        ("GET", f"{RESIDENTS}/{first}?reveal=1", {}),
        ("GET", f"{RESIDENTS}/{first}/history", {}),
        ("GET", f"{RESIDENTS}/{second}/history", {}),
        ("GET", f"{API}/households", {}),
        ("GET", f"{API}/households/{household}", {}),
        ("GET", f"{API}/fields", {}),
        ("POST", RESIDENTS, {"json": person(id_number=STORED_IDS[0])}),  # 409: already registered
        ("POST", RESIDENTS, {"json": person(id_number=make_id("19991231", "555"), phone="12345")}),  # 422
        ("POST", RESIDENTS, {"json": person(id_number=make_id("19991231", "557"), phone="18612345678")}),
        ("PATCH", f"{RESIDENTS}/{first}", {"json": {"version": 1, "room": "9"}}),  # stale
        ("PATCH", f"{RESIDENTS}/{second}", {"json": {"version": 1, "phone": "13312345678"}}),
        (
            "POST",
            f"{RESIDENTS}/merge",
            {"json": {"keep_id": first, "keep_version": 2, "merge_id": duplicate["id"], "merge_version": 1}},
        ),
        ("GET", f"{RESIDENTS}/{duplicate['id']}", {}),
        ("GET", "/resident_info/", {}),
        ("GET", f"/resident_info/?id_last4={STORED_IDS[2][-4:]}", {}),
        ("GET", f"/resident_info/residents/{first}", {}),
        ("GET", f"/resident_info/residents/{second}", {}),
        ("GET", f"/resident_info/residents/{first}/edit", {}),
        ("GET", "/resident_info/residents/new", {}),
        (
            "POST",
            "/resident_info/residents/new",
            {"data": {"name": "赵敏", "id_number": STORED_IDS[1], "org_path": GRID, "phone": "13612345678"}},
        ),
        (
            "POST",
            f"/resident_info/residents/{first}/edit",
            {"data": {"name": "居民0", "org_path": GRID, "version": "1", "room": "8"}},
        ),
        ("POST", f"/resident_info/residents/{first}/reveal", {"data": {"reason": "核对"}, "follow_redirects": True}),
        *EXPORTS,
    ]


def run_walk(app, make_user, package, path, caplog):
    made, household, duplicate = seed(app, make_user)
    client = GridworkClient(app.test_client())
    client.login(make_user(package, path).username)
    caplog.set_level(logging.DEBUG)
    leaks, statuses = [], []
    for method, url, kwargs in walk(client, made, household, duplicate):
        response = client.open(url, method, **kwargs)
        statuses.append(response.status_code)
        found = unmasked(body_text(response), own_values(kwargs))
        if found:
            leaks.append(f"{method} {url} → {response.status_code}: {found}")
    for record in caplog.records:
        found = unmasked(record.getMessage() + (record.exc_text or ""))
        if found:
            leaks.append(f"log {record.name}: {found}")
    return leaks, statuses


def test_a_grid_worker_never_receives_or_logs_a_full_id_or_phone(app, enabled, make_user, caplog):
    leaks, statuses = run_walk(app, make_user, "grid_feedback_worker", "c1/s1/m1/g1", caplog)
    assert leaks == []
    assert statuses.count(200) >= 15 and 409 in statuses and 422 in statuses and 403 in statuses


def test_an_event_dispatcher_never_receives_or_logs_a_full_id_or_phone(app, enabled, make_user, caplog):
    leaks, statuses = run_walk(app, make_user, "event_dispatcher", "c1/s1/m1", caplog)
    assert leaks == []
    assert statuses.count(200) >= 14 and statuses.count(403) >= 6  # reads only: writes and ID searches refused


def test_an_exporter_without_read_sensitive_never_receives_a_full_id_or_phone(app, enabled, make_user, caplog):
    leaks, statuses = run_walk(app, make_user, masked_exporter(app), "c1/s1/m1", caplog)
    assert leaks == []
    assert statuses[-len(EXPORTS) :] == [200, 200, 200, 200, 403, 403]


def test_the_scanner_does_see_full_values_when_they_are_there(app, enabled, make_user):
    """The negative control: a supervisor's explicit full view does carry the full values,
    and the scanner finds them — so an empty result above means something."""
    made, _household, _duplicate = seed(app, make_user)
    client = GridworkClient(app.test_client())
    client.login(make_user("data_supervisor", "c1").username)
    body = client.get(f"{RESIDENTS}/{made[1]['id']}?reveal=1").get_data(as_text=True)
    assert unmasked(body) == sorted([STORED_IDS[1], STORED_PHONES[1]])
    client.login(make_user("community_admin", "c1/s1/m1").username)
    exported = body_text(client.post(f"{RESIDENTS}/export?format=xlsx&unmasked=1"))
    assert unmasked(exported) == sorted([*STORED_IDS, STORED_PHONES[1], "13700137000"])
