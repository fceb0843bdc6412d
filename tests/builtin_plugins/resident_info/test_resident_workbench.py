"""resident_info on the workbench: a grid worker lands on a count of the residents in their
care — their grid's, not the community's — one tap from the list."""

from resident_helpers import make_id, register
from test_resident_import_held import workbench_line

from core.testing import GridworkClient


def test_a_grid_worker_sees_the_residents_of_their_grid_one_tap_from_the_list(
    app, client, login_as, make_user, enabled
):
    login_as("community_admin", "c1/s1/m1")
    register(client, name="陈淑珍", id_number=make_id("19460821", "046"), org_path="c1/s1/m1/g1")
    register(client, name="周杰", id_number=make_id("19900101", "017"), org_path="c1/s1/m1/g1")
    register(client, name="王兰", id_number=make_id("19800101", "028"), org_path="c1/s1/m1")
    worker = GridworkClient(app.test_client())
    worker.login(make_user("grid_feedback_worker", "c1/s1/m1/g1").username)
    assert workbench_line(worker, "我负责的居民") == "2 人 我负责的居民 居民信息采集 · 近 7 天新登记 2 人"
    assert workbench_line(client, "我负责的居民").startswith("3 人 我负责的居民")
    home = worker.get("/").get_data(as_text=True)
    assert 'href="/resident_info/"' in home[home.index('id="work"') :]
