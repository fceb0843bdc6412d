"""证明材料 on a resident's page (issue #11 item 5): a grid worker photographs a 残疾证 with
the phone's camera and uploads it; only holders of "查看完整身份证号和电话" at the resident's
node open it (each view audited), everyone else who reads the record sees "证明材料 N 份";
another community, or a node where the module is off, gets 404."""

import io

import pytest
from PIL import Image
from resident_helpers import API, GRID, PLUGIN, RESIDENTS, audit_of, register

from core.db import session_scope
from core.plugin_system.enablement import set_state
from core.state import state_of
from core.testing import GridworkClient, rows

PAGES = f"/{PLUGIN}"


def photo(colour="red"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def upload(client, resident_id, content, filename="残疾证.jpg"):
    return client.post(
        f"{RESIDENTS}/{resident_id}/attachments",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def people(app, make_user, enabled):
    """Signed-in clients: ``people("community_admin", path)``."""

    def build(package, path="c1/s1/m1"):
        client = GridworkClient(app.test_client())
        assert client.login(make_user(package, path).username).status_code == 302
        return client

    return build


@pytest.fixture
def resident(people):
    """A resident in grid g1 with one photo a grid worker uploaded: (resident id, attachment)."""
    resident_id = register(people("community_admin"))["id"]
    uploaded = upload(people("grid_feedback_worker"), resident_id, photo())
    assert uploaded.status_code == 201, uploaded.get_json()
    return resident_id, uploaded.get_json()


def test_the_resident_page_offers_the_camera_and_a_file_field(people, resident):
    page = people("community_admin").get(f"{PAGES}/residents/{resident[0]}").get_data(as_text=True)
    assert 'type="file" name="file" accept="image/*" capture="environment"' in page
    assert 'enctype="multipart/form-data"' in page and "application/pdf" in page


def test_a_reader_without_the_full_view_sees_only_the_count(people, resident):
    resident_id, attachment = resident
    worker = people("grid_feedback_worker")
    page = worker.get(f"{PAGES}/residents/{resident_id}").get_data(as_text=True)
    assert "证明材料 1 份" in page and "/attachments/" not in page.split('id="documents"')[1].split("<form")[0]
    listed = worker.get(f"{RESIDENTS}/{resident_id}/attachments").get_json()
    assert listed == {"count": 1, "can_view": False, "items": []}
    assert worker.get(attachment["url"]).status_code == 404


def test_a_holder_of_the_full_view_opens_it_and_each_view_is_audited(app, people, resident):
    resident_id, attachment = resident
    admin = people("community_admin")
    listed = admin.get(f"{RESIDENTS}/{resident_id}/attachments").get_json()
    assert listed["count"] == 1 and listed["can_view"] and listed["items"][0]["filename"] == "残疾证.jpg"
    page = admin.get(f"{PAGES}/residents/{resident_id}").get_data(as_text=True)
    assert attachment["phone_url"] in page

    for url in (attachment["phone_url"], attachment["url"]):
        response = admin.get(url)
        assert response.status_code == 200 and response.content_type == "image/jpeg"
    viewed = audit_of(app, "core.attachment_viewed")
    assert [entry[2]["size"] for entry in viewed] == ["phone", "full"]
    assert all(entry[1] == f"attachment:{attachment['id']}" and "残疾证" not in str(entry) for entry in viewed)


def test_another_communitys_admin_gets_404_for_the_file_and_the_list(people, resident):
    resident_id, attachment = resident
    neighbour = people("community_admin", "c1/s1/m12")
    assert neighbour.get(attachment["url"]).status_code == 404
    assert neighbour.get(attachment["phone_url"]).status_code == 404
    assert neighbour.get(f"{RESIDENTS}/{resident_id}/attachments").status_code == 404
    assert upload(neighbour, resident_id, photo("blue")).status_code == 404


def test_where_the_module_is_switched_off_the_file_answers_404(app, people, resident):
    admin = people("community_admin")
    with app.app_context(), session_scope(app) as db:
        set_state(db, state_of(app).host, PLUGIN, "c1/s1/m1", "disabled", actor="test")
    assert admin.get(resident[1]["url"]).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_in_chinese_and_nothing_is_kept(app, people, resident):
    resident_id, _attachment = resident
    admin = people("community_admin")
    refused = upload(admin, resident_id, b"<html>not a photo</html>" * 20, "证明.jpg")
    assert refused.status_code == 422
    assert refused.get_json()["pointer"] == "/file" and "无法识别的文件" in refused.get_json()["detail"]

    from_page = admin.post(
        f"{PAGES}/residents/{resident_id}/attachments",
        data={"file": (io.BytesIO(b"GIF89a not really"), "证明.jpg")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "无法识别的文件" in from_page.get_data(as_text=True)
    assert rows(app, "SELECT count(*) FROM core_attachment WHERE plugin = :p", p=PLUGIN) == [(1,)]


def test_the_page_upload_stores_the_photo_and_returns_to_the_page(app, people, resident):
    resident_id, _attachment = resident
    done = people("community_admin").post(
        f"{PAGES}/residents/{resident_id}/attachments",
        data={"file": (io.BytesIO(photo("green")), "低保证明.jpg")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "证明材料已上传。" in done.get_data(as_text=True) and "低保证明.jpg" in done.get_data(as_text=True)


def test_the_documents_follow_the_resident_to_another_node(app, people, resident):
    resident_id, attachment = resident
    admin = people("community_admin")
    version = admin.get(f"{RESIDENTS}/{resident_id}").get_json()["version"]
    moved = admin.patch(f"{RESIDENTS}/{resident_id}", json={"org_path": "c1/s1/m1", "version": version})
    assert moved.status_code == 200, moved.get_json()
    assert rows(app, "SELECT org_path FROM core_attachment WHERE id = :id", id=attachment["id"]) == [("c1/s1/m1",)]
    assert GRID != "c1/s1/m1"


def test_api_upload_needs_multipart(people, resident):
    answer = people("community_admin").post(f"{API}/residents/{resident[0]}/attachments", json={"file": "x"})
    assert answer.status_code == 415
