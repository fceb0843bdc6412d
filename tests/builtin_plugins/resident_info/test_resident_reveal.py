"""显示完整信息 on the detail page: asked with a reason (stored in the audit entry), one entry
per request, then a redirect to the page, which shows the full values for a few minutes —
reloading it logs nothing more. The API's ``?reveal=1`` stays one entry per call."""

import pytest
from resident_helpers import RESIDENTS, audit_of, make_id, register

from core.testing import GridworkClient

ID_NUMBER = make_id("19520318", "425")
OTHER_ID = make_id("19600101", "131")


@pytest.fixture
def residents(app, client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    first = register(client, id_number=ID_NUMBER, phone="13912345678", name="李秀兰")
    second = register(client, id_number=OTHER_ID, phone="13712345678", name="赵建国")
    return first, second


def page_of(resident):
    return f"/resident_info/residents/{resident['id']}"


def views(app):
    return audit_of(app, "resident_info.sensitive_viewed")


def test_the_reveal_asks_for_a_reason_and_shows_nothing_without_one(app, client, residents):
    first, _second = residents
    refused = client.post(f"{page_of(first)}/reveal", data={"reason": "  "})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "查看理由不能为空" in html and ID_NUMBER not in html
    assert views(app) == []


def test_a_reload_of_the_revealed_page_logs_no_second_view(app, client, residents):
    first, _second = residents
    answer = client.post(f"{page_of(first)}/reveal", data={"reason": "核对低保申请材料"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(page_of(first))
    for _reload in range(3):
        assert ID_NUMBER in client.get(page_of(first)).get_data(as_text=True)
    [(_actor, target, detail)] = views(app)
    assert target == f"resident_info_resident:{first['id']}"
    assert detail["reason"] == "核对低保申请材料" and detail["fields"] == ["id_number", "phone"]


def test_the_grant_covers_that_resident_in_that_session_for_five_minutes(app, client, residents, clock):
    first, second = residents
    client.post(f"{page_of(first)}/reveal", data={"reason": "核对"})
    assert OTHER_ID not in client.get(page_of(second)).get_data(as_text=True)  # that resident only

    elsewhere = GridworkClient(app.test_client())  # the same person, another browser
    user = audit_of(app, "resident_info.sensitive_viewed")[0][0]
    elsewhere.login(user)
    assert ID_NUMBER not in elsewhere.get(page_of(first)).get_data(as_text=True)

    import plugins.resident_info.web.reveal_grants as grants

    clock.advance(seconds=grants.REVEAL_SECONDS + 1)
    html = client.get(page_of(first)).get_data(as_text=True)
    assert ID_NUMBER not in html and "显示完整信息" in html


def test_a_grant_does_not_outlive_the_permission(app, client, residents):
    from sqlalchemy import text

    from core.db import engine_of, session_scope
    from core.permissions.store import find_grant, grant_package, revoke_grant

    first, _second = residents
    client.post(f"{page_of(first)}/reveal", data={"reason": "核对"})
    with engine_of(app).connect() as conn:
        user_id = conn.execute(text("SELECT id FROM core_user WHERE username = :u"), {"u": views(app)[0][0]}).scalar()
    with app.app_context(), session_scope(app) as db:  # still a reader of the grid, no longer of full values
        grant_package(db, user_id, "grid_feedback_worker", "c1/s1/m1/g1")
        revoke_grant(db, find_grant(db, user_id, "community_admin", "c1/s1/m1"))
    html = client.get(page_of(first)).get_data(as_text=True)
    assert "李秀兰" in html and ID_NUMBER not in html


def test_the_api_still_logs_every_reveal(app, client, residents):
    first, _second = residents
    for _call in range(2):
        assert client.get(f"{RESIDENTS}/{first['id']}?reveal=1").get_json()["id_number"] == ID_NUMBER
    assert len(views(app)) == 2


def test_the_audit_page_says_whose_data_was_viewed_by_name_only(app, client, residents, login_as):
    first, _second = residents
    client.post(f"{page_of(first)}/reveal", data={"reason": "核对低保申请材料"})
    login_as("data_supervisor", "c1")
    html = client.get("/audit?sensitive=1").get_data(as_text=True)
    assert "查看居民完整身份证号和电话" in html and "李秀兰" in html
    assert "查看了身份证号、联系电话；理由：核对低保申请材料" in html
    assert ID_NUMBER not in html and "13912345678" not in html
    found = client.get("/api/v1/audit?object=秀兰").get_json()["items"]
    assert [item["action"] for item in found] == ["resident_info.sensitive_viewed", "resident_info.resident_registered"]


def test_a_view_of_a_residents_document_names_whose_it_is(app, client, residents, login_as):
    import io

    from PIL import Image

    first, _second = residents
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "red").save(buffer, "JPEG")
    uploaded = client.post(
        f"{RESIDENTS}/{first['id']}/attachments",
        data={"file": (io.BytesIO(buffer.getvalue()), "残疾证.jpg")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    client.get(uploaded.get_json()["url"]).close()
    login_as("data_supervisor", "c1")
    html = client.get("/audit?sensitive=1").get_data(as_text=True)
    assert "查看附件" in html and "李秀兰的证明材料" in html and "残疾证" not in html


def test_someone_else_signing_in_on_the_same_browser_gets_no_grant(app, client, residents, make_user):
    first, _second = residents
    client.post(f"{page_of(first)}/reveal", data={"reason": "核对"})
    client.logout()
    client.login(make_user("community_admin", "c1/s1/m1").username)
    html = client.get(page_of(first)).get_data(as_text=True)
    assert ID_NUMBER not in html and "显示完整信息" in html
