"""The import pages in words people read: where an import went by node name, when in
Beijing time, who by display name — the recent imports, one import's page and the county's
list of held rows — and the node to import into picked by name."""

import re

from import_helpers import csv_file, person_row, run
from resident_helpers import register

from core.testing import GridworkClient

PATH = re.compile(r"\bc\d+(/[smg]\d+)+\b")


def _visible(page):
    main = page.split("<main", 1)[-1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_the_import_pages_name_the_node_the_time_and_the_importer(app, client, login_as, make_user, enabled, clock):
    importer = login_as("community_admin", "c1/s1/m1")
    county = GridworkClient(app.test_client())
    county.login(make_user("county_admin", "c1").username)
    elsewhere = person_row(1)
    register(county, name=elsewhere["姓名"], id_number=elsewhere["身份证号"], org_path="c1/s2/m2/g2")
    job = run(client, csv_file([elsewhere, person_row(2)]))

    recent = _visible(client.get("/resident_info/import").get_data(as_text=True))
    one = _visible(client.get(f"/resident_info/import/{job['id']}").get_data(as_text=True))
    held = _visible(county.get("/resident_info/import/held").get_data(as_text=True))

    for page in (recent, one):
        assert "幸福社区" in page and "2026-12-03 09:00" in page
    assert "测试用户" in recent and importer.username not in recent
    assert "东湖街道 › 幸福社区" in held and "西山镇 › 青山村 › 青山二网格" in held
    assert "2026-12-03 09:00" in held and "测试用户" in held and importer.username not in held
    for page in (recent, one, held):
        assert not PATH.search(page)


def test_the_node_to_import_into_is_picked_by_name_the_readers_own_node_chosen(client, login_as, enabled):
    login_as("community_admin", "c1/s1/m1")
    page = client.get("/resident_info/import").get_data(as_text=True)
    assert re.search(r'<option value="c1/s1/m1" title="东湖街道 › 幸福社区" selected>\s*幸福社区<', page)
    assert re.search(r'<option value="c1/s1/m1/g1" title="东湖街道 › 幸福社区 › 幸福一网格" >', page)  # offered
    assert not PATH.search(_visible(page))


def test_no_node_to_import_into_is_chosen_for_one_who_holds_two_side_by_side(app, client, login_as, enabled):
    from core.db import session_scope
    from core.permissions.store import grant_package

    user = login_as("community_admin", "c1/s1/m1")
    with app.app_context(), session_scope(app) as db:
        grant_package(db, user.id, "community_admin", "c1/s1/m12")
    page = client.get("/resident_info/import").get_data(as_text=True)
    assert 'value="c1/s1/m12"' in page and not re.search(r'<option value="c1[^"]*" title="[^"]*" selected>', page)
