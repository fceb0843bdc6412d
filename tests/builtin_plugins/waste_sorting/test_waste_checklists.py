"""Checklists as a county and a street keep them: a new version never changes how an old
inspection reads or exports; a street's own items apply below it only; photos of failed
items are seen inside the community and answer 404 elsewhere."""

import io

from PIL import Image
from waste_helpers import inspect, inspection_id_of, make_point

from core.testing import rows, signed_in_client

M1 = "c1/s1/m1"


def county_checklist(client, titles, pass_mark="80"):
    data = {"node": "c1", "pass_mark": pass_mark}
    for index, (title, weight, critical) in enumerate(titles):
        data.update({f"title_{index}": title, f"weight_{index}": str(weight)})
        if critical:
            data[f"critical_{index}"] = "on"
    return client.post("/waste_sorting/checklists", data=data)


def test_old_inspections_read_and_export_as_recorded_after_the_checklist_changes(app, client, login_as, enabled):
    login_as("county_admin", "c1")
    assert county_checklist(client, [("桶身干净", 50, False), ("分类正确", 50, True)]).status_code == 303
    point = make_point(client)
    old = inspection_id_of(inspect(client, point, failed=["item1_1"]))  # 桶身干净 failed: 50 points

    county_checklist(client, [("督导员在岗", 100, True)])
    new = inspection_id_of(inspect(client, point))

    old_page = client.get(f"/waste_sorting/inspections/{old}").get_data(as_text=True)
    assert "桶身干净" in old_page and "县级标准第 1 版" in old_page and "督导员在岗" not in old_page
    new_page = client.get(f"/waste_sorting/inspections/{new}").get_data(as_text=True)
    assert "督导员在岗" in new_page and "县级标准第 2 版" in new_page
    export = client.get("/waste_sorting/inspections.csv").get_data(as_text=True)
    assert "县级标准第 1 版" in export and "桶身干净" in export and "县级标准第 2 版" in export
    versions = client.get("/waste_sorting/checklists").get_data(as_text=True)
    assert "第 1 版" in versions and "第 2 版" in versions


def test_a_streets_extra_items_apply_below_it_only(app, client, login_as, enabled):
    login_as("street_admin", "c1/s1")
    answer = client.post("/waste_sorting/checklists", data={"node": "c1/s1", "title_0": "门前三包", "weight_0": "10"})
    assert answer.status_code == 303
    here = make_point(client)
    login_as("community_admin", "c1/s2/m2")
    there = make_point(client, org_path="c1/s2/m2/g2")

    login_as("community_admin", M1)
    assert "门前三包" in client.get(f"/waste_sorting/inspect/{here}").get_data(as_text=True)
    login_as("community_admin", "c1/s2/m2")
    assert "门前三包" not in client.get(f"/waste_sorting/inspect/{there}").get_data(as_text=True)


def test_a_bad_checklist_is_refused_naming_the_field_and_stores_nothing(app, client, login_as, enabled):
    login_as("county_admin", "c1")
    answer = county_checklist(client, [("桶身干净", "abc", False)])
    assert answer.status_code == 422 and "分值须为 1–100 的整数" in answer.get_data(as_text=True)
    assert rows(app, "SELECT id FROM waste_sorting_checklist") == []


def test_a_failed_items_photo_is_seen_in_the_community_and_404_in_another(app, client, login_as, make_user, enabled):
    login_as("community_admin", M1)
    point = make_point(client)
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "green").save(buffer, "JPEG")
    answer = inspect(client, point, failed=["bins_full"], photo_bins_full=(io.BytesIO(buffer.getvalue()), "bin.jpg"))
    inspection = inspection_id_of(answer)
    (attachment,) = rows(app, "SELECT id FROM core_attachment WHERE plugin = 'waste_sorting'")

    assert client.get(f"/attachments/{attachment.id}?size=phone").status_code == 200
    assert f"/attachments/{attachment.id}" in client.get(f"/waste_sorting/inspections/{inspection}").get_data(
        as_text=True
    )
    sibling = signed_in_client(app, make_user("community_admin", "c1/s1/m12", username="m12_admin"))
    assert sibling.get(f"/attachments/{attachment.id}?size=phone").status_code == 404
    assert sibling.get(f"/waste_sorting/inspections/{inspection}").status_code == 404


def test_own_tenants_records_are_reachable(cross_tenant_matrix, client, login_as):
    """The matrix proves something only if the same routes answer for the actor's own tenant."""
    matrix = cross_tenant_matrix(enable_at="c1")
    login_as("community_admin", matrix.own.path)
    own = matrix.own.records["waste_sorting"]
    for url in (
        f"/waste_sorting/points/{own['point_id']}",
        f"/waste_sorting/inspections/{own['inspection_id']}",
        f"/waste_sorting/rectifications/{own['rectification_id']}",
        f"/waste_sorting/checklists/{own['checklist_id']}",
    ):
        answer = client.get(url)
        assert answer.status_code == 200 and matrix.own.marker in answer.get_data(as_text=True), url
