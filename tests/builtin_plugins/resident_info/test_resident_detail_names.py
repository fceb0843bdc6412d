"""A resident's page in words people read: times in Beijing time (the deployment's zone),
the grid by its chain of names, whoever changed the record or uploaded a document by their
display name — never a UTC time, an org path or a login name."""

import io
import re

from PIL import Image
from resident_helpers import PLUGIN, RESIDENTS, register

PAGES = f"/{PLUGIN}"


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def _visible(page):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split("<main", 1)[-1]))


def test_history_and_documents_show_beijing_time_names_and_display_names(client, login_as, enabled, clock):
    user = login_as("county_admin", "c1")  # display name 测试用户
    resident = register(client)  # 2026-12-03 09:00 Beijing time is 01:00 UTC
    clock.advance(minutes=5)
    moved = client.patch(f"{RESIDENTS}/{resident['id']}", json={"version": 1, "org_path": "c1/s1/m12/g10"})
    assert moved.status_code == 200, moved.get_json()
    uploaded = client.post(
        f"{RESIDENTS}/{resident['id']}/attachments",
        data={"file": (io.BytesIO(_jpeg()), "残疾证.jpg")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201

    visible = _visible(client.get(f"{PAGES}/residents/{resident['id']}").get_data(as_text=True))

    assert "2026-12-03 09:00" in visible and "2026-12-03 09:05" in visible
    assert "01:00" not in visible and "T01" not in visible
    assert "所属网格 东湖街道 › 和平社区 › 和平十网格" in visible
    assert "东湖街道 › 幸福社区 › 幸福一网格 → 东湖街道 › 和平社区 › 和平十网格" in visible
    assert visible.count("测试用户") == 3 and user.username not in visible  # two changes, one upload
    assert not re.search(r"\bc\d+(/[smg]\d+)+\b", visible)
