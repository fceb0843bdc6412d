"""Photos and attachments (issue #11 item 5): an upload is checked by decoding it, stripped
of EXIF/GPS/device data by re-encoding, stored once per content, follows its org node, and
leaves the server only through ``/attachments/<id>`` for actors holding the row's permission
at its node — 404 for everyone else. These tests attach as the core itself (``core.*``
permissions); resident_info's tests show a plugin doing it, sensitive views audited."""

import io
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from PIL import Image, ImageCms
from sqlmodel import SQLModel
from werkzeug.datastructures import FileStorage

from core.api.errors import ServiceError
from core.attachments.models import Attachment
from core.attachments.service import attach_file, clean_filename, remove_attachment
from core.attachments.storage import store_of
from core.db import engine_of, session_scope, system_options
from core.state import state_of
from core.testing import GridworkClient, rows
from core.tree.bound import records_by_plugin

M1, M12 = "c1/s1/m1", "c1/s1/m12"
GUARD = "core.user_write"  # community admins hold it, grid feedback workers do not
CAMERA = "SecretCam"


def photo_with_exif(size=(40, 20)):
    """A JPEG as a phone writes it: camera make/model, the time taken, GPS, an orientation
    that turns it upright (90° clockwise), an ICC profile and XMP naming the camera."""
    exif = Image.Exif()
    exif[0x010F] = CAMERA  # Make
    exif[0x0110] = "Model X9"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif.get_ifd(0x8769)[0x9003] = "2026:12:01 10:00:00"  # DateTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)})
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><tiff:Make>{CAMERA}</tiff:Make></x:xmpmeta>'.encode()
    image.save(buffer, "JPEG", exif=exif, icc_profile=icc, xmp=xmp)
    return buffer.getvalue()


def png(size=(8, 8), colour="teal"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def attach(app, content, filename="照片.jpg", org_path=M1, permission=GUARD, record_id="7"):
    with app.app_context(), session_scope(app) as db:
        attachment = attach_file(
            db,
            plugin="core",
            record_type="test_record",
            record_id=record_id,
            org_path=org_path,
            upload=FileStorage(io.BytesIO(content), filename=filename),
            actor="uploader",
            permission=permission,
        )
        return attachment.id


def stored_files(app):
    root = store_of(app).root
    return sorted(path.name for path in root.rglob("*") if path.is_file()) if root.exists() else []


def attachment_rows(app):
    return rows(app, "SELECT id, org_path, content_hash, phone_hash FROM core_attachment ORDER BY id")


@pytest.fixture
def viewer(app, make_user, org_tree):
    """``viewer(package, path)`` → a client signed in with that package at that node."""

    def build(package="community_admin", path=M1):
        client = GridworkClient(app.test_client())
        assert client.login(make_user(package, path).username).status_code == 302
        return client

    return build


# ---------------------------------------------------------------- what is stored


def test_gps_camera_and_time_taken_do_not_survive_in_either_size(app, viewer, org_tree):
    original = photo_with_exif()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825), "the test photo must carry GPS"
    attachment_id = attach(app, original)
    client = viewer()

    for size in ("full", "phone"):
        response = client.get(f"/attachments/{attachment_id}?size={size}")
        assert response.status_code == 200, size
        served = response.get_data()
        image = Image.open(io.BytesIO(served))
        assert dict(image.getexif()) == {} and not image.getexif().get_ifd(0x8825)
        assert not {"exif", "icc_profile", "xmp"} & set(image.info), (size, set(image.info))
        for trace in (b"Exif", CAMERA.encode(), b"Model X9", b"2026:12:01", b"xmpmeta"):
            assert trace not in served, (size, trace)
        assert image.size == (20, 40), "the orientation EXIF asked for is applied before it is dropped"


def test_a_two_picture_jpeg_from_a_phone_and_a_png_with_exif_come_out_clean(app, viewer, org_tree):
    exif = Image.Exif()
    exif[0x010F] = CAMERA
    mpo, tagged_png = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (16, 16)).save(mpo, "MPO", save_all=True, append_images=[Image.new("RGB", (16, 16))], exif=exif)
    Image.new("RGBA", (16, 16), (0, 0, 0, 0)).save(tagged_png, "PNG", exif=exif)
    client = viewer()
    for content, media_type in ((mpo.getvalue(), "image/jpeg"), (tagged_png.getvalue(), "image/png")):
        assert CAMERA.encode() in content
        served = client.get(f"/attachments/{attach(app, content)}?size=full")
        assert served.content_type == media_type and CAMERA.encode() not in served.get_data()


def test_the_phone_copy_is_at_most_1280_pixels_on_its_longest_side(app, viewer, org_tree):
    attachment_id = attach(app, png((3000, 1500)), "大图.png")
    client = viewer()
    phone = Image.open(io.BytesIO(client.get(f"/attachments/{attachment_id}").get_data()))
    full = Image.open(io.BytesIO(client.get(f"/attachments/{attachment_id}?size=full").get_data()))
    assert phone.format == "JPEG" and phone.size == (1280, 640)
    assert full.format == "PNG" and full.size == (3000, 1500)


def test_bytes_that_are_not_an_image_are_refused_though_named_jpg_and_nothing_is_stored(app, org_tree):
    with pytest.raises(ServiceError) as refused:
        attach(app, b"MZ\x90\x00 this is a program, not a photo" * 50, "残疾证.jpg")
    assert refused.value.status == 422 and refused.value.pointer == "/file"
    assert "无法识别的文件" in refused.value.detail and "残疾证" not in refused.value.detail
    assert attachment_rows(app) == [] and stored_files(app) == []


def test_a_decompression_bomb_is_refused_from_its_header(app, org_tree):
    buffer = io.BytesIO()
    Image.new("L", (12_000, 12_000)).save(buffer, "PNG")  # 144 megapixels in a few hundred KB
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(ServiceError) as refused:
        attach(app, buffer.getvalue(), "bomb.png")
    assert refused.value.status == 422 and "图片尺寸过大" in refused.value.detail
    assert attachment_rows(app) == [] and stored_files(app) == []


def test_a_file_over_10_mb_is_refused_without_reading_it_all(app, org_tree):
    with pytest.raises(ServiceError) as refused:
        attach(app, b"\xff\xd8\xff" + os.urandom(10 * 1024 * 1024), "huge.jpg")
    assert refused.value.status == 413 and "10 MB" in refused.value.detail
    assert stored_files(app) == []


def test_heic_from_an_iphone_is_refused_with_advice(app, org_tree):
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
    with pytest.raises(ServiceError, match="HEIC"):
        attach(app, heic, "IMG_0001.HEIC")


def test_the_same_photo_uploaded_twice_is_stored_once(app, org_tree):
    first, second = attach(app, photo_with_exif(), record_id="1"), attach(app, photo_with_exif(), record_id="2")
    found = attachment_rows(app)
    assert [row[0] for row in found] == [first, second]
    assert found[0][2:] == found[1][2:]
    assert len(stored_files(app)) == 2  # the clean full copy and the phone copy, once each


def test_a_pdf_is_kept_as_sent_and_offered_as_a_download(app, viewer, org_tree):
    document = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    attachment_id = attach(app, document, "低保证明.pdf")
    response = viewer().get(f"/attachments/{attachment_id}?size=full")
    assert response.get_data() == document and response.content_type == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_file_names_keep_only_their_last_part_without_hidden_characters():
    assert clean_filename("C:\\Users\\张三\\残疾证.jpg") == "残疾证.jpg"
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("证明\u202e.gpj.exe") == "证明.gpj.exe"
    assert clean_filename("长" * 200 + ".jpeg") == "长" * 95 + ".jpeg"


def test_a_guard_of_another_plugin_is_a_programming_error(app, org_tree):
    with pytest.raises(ValueError, match="core"):
        attach(app, png(), permission="resident_info.read")


def test_the_model_matches_its_migration(app):
    def only_this_table(name, type_, *_rest):
        return type_ != "table" or name == "core_attachment"

    options = {
        "include_name": only_this_table,
        "include_object": lambda _o, name, type_, *_r: only_this_table(name, type_),
    }
    with engine_of(app).connect() as connection:
        context = MigrationContext.configure(connection, opts=options)
        assert compare_metadata(context, SQLModel.metadata) == []


# ---------------------------------------------------------------- who sees it


def test_a_photo_of_a_foreign_community_answers_404(app, viewer, org_tree):
    own, foreign = attach(app, png(colour="red"), org_path=M1), attach(app, png(colour="blue"), org_path=M12)
    client = viewer("community_admin", M1)
    assert client.get(f"/attachments/{own}").status_code == 200
    assert client.get(f"/attachments/{foreign}").status_code == 404
    assert client.get(f"/attachments/{foreign}?size=full").status_code == 404
    assert client.get("/attachments/999999").status_code == 404


def test_a_user_of_the_same_community_without_the_permission_gets_404(app, viewer, org_tree):
    attachment_id = attach(app, png())
    assert viewer("grid_feedback_worker", M1).get(f"/attachments/{attachment_id}").status_code == 404


def test_signed_out_visitors_are_sent_to_the_login_page(app, org_tree):
    attachment_id = attach(app, png())
    response = GridworkClient(app.test_client()).get(f"/attachments/{attachment_id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_answer_is_private_not_sniffed_and_inline(app, viewer, org_tree):
    attachment_id = attach(app, png(), "门牌.png")
    response = viewer().get(f"/attachments/{attachment_id}?size=full")
    assert response.content_type == "image/png"
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == "inline; filename*=UTF-8''%E9%97%A8%E7%89%8C.png"


def test_a_removed_attachment_is_gone_but_bytes_another_row_names_stay(app, viewer, org_tree):
    kept, removed = attach(app, png(), record_id="1"), attach(app, png(), record_id="2")
    with app.app_context(), session_scope(app) as db:
        remove_attachment(
            db,
            db.get(Attachment, removed, execution_options=system_options("the test checks what it removes")),
            "admin",
        )
    client = viewer()
    assert client.get(f"/attachments/{removed}").status_code == 404
    assert client.get(f"/attachments/{kept}").status_code == 200
    assert len(stored_files(app)) == 2


# ---------------------------------------------------------------- the org tree


@pytest.fixture
def county_admin(viewer):
    return viewer("county_admin", "c1")


def test_moving_the_community_moves_its_attachments(app, county_admin):
    attachment_id = attach(app, png(), org_path="c1/s1/m1/g1")
    assert county_admin.post("/api/v1/orgs/m1/move", json={"parent_id": "s2"}).status_code == 200
    assert rows(app, "SELECT org_path FROM core_attachment WHERE id = :id", id=attachment_id) == [("c1/s2/m1/g1",)]


def test_a_node_holding_attachments_is_not_deleted(app, county_admin):
    attach(app, png(), org_path="c1/s2/m2/g2")
    refused = county_admin.delete("/api/v1/orgs/g2")
    assert refused.status_code == 409
    assert "“照片和附件”的 1 条记录" in refused.get_json()["detail"]


def test_attachments_count_in_their_plugins_declared_data(app, org_tree):
    attach(app, png(), org_path="c1/s1/m1/g1")
    attach(app, png(colour="red"), org_path=M12)
    with app.app_context(), session_scope(app) as db:
        counts = records_by_plugin(db, state_of(app).org_bound_tables, "c1/s1")
        assert counts["core"] == {"core_attachment": 2}
        assert records_by_plugin(db, state_of(app).org_bound_tables, M1)["core"] == {"core_attachment": 1}


def test_the_cross_tenant_matrix_probes_attachments_and_the_own_one_answers(cross_tenant_matrix, viewer):
    matrix = cross_tenant_matrix(enable_at="c1")
    assert "/attachments/<int:attachment_id>" in {rule.rule for rule, _method, _plugin in matrix.routes()}
    client = viewer("community_admin", matrix.own.path)
    assert client.get(f"/attachments/{matrix.own.records['core']['attachment_id']}").status_code == 200
    for tenant in matrix.foreign:
        assert client.get(f"/attachments/{tenant.records['core']['attachment_id']}").status_code == 404
