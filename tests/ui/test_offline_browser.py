"""A record typed where the signal drops is not lost (offline.js, in a real headless Chromium
at phone size): it waits on the phone, is sent once the connection returns, and typed text
survives a reload."""

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from core.testing import sign_in_page

pytestmark = pytest.mark.slow
PHONE = {"width": 390, "height": 844}
FIXTURES = Path(__file__).parents[1] / "core" / "plugin_fixtures"


@pytest.fixture
def served(with_plugins, org_tree):
    app = with_plugins("fx_offline=fx_offline.hooks", search_path=[FIXTURES], enabled_at="c1")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    import fx_offline.hooks as plugin  # imported from the fixtures by with_plugins

    plugin.STORED.clear()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", stored=plugin.STORED)
    server.shutdown()


@pytest.fixture
def phone(browser, served, make_user):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in_page(page, served, make_user("community_admin", "c1/s1/m1").username)
    page.goto(f"{served.url}/fx_offline/")
    yield context, page
    context.close()


def test_a_record_saved_without_signal_is_sent_once_when_it_returns(served, phone, tmp_path):
    context, page = phone
    photo = tmp_path / "门口.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n")
    page.get_by_label("情况说明").fill("老人身体状况良好")
    page.get_by_label("照片").set_input_files(photo)
    context.set_offline(True)
    page.get_by_role("button", name="保存").click()

    status = page.locator("#offline-status")
    expect(status).to_contain_text("这条记录已保存在本机")
    expect(status).to_contain_text("有 1 条记录保存在本机")
    expect(page.get_by_label("情况说明")).to_have_value("")  # ready for the next record
    assert served.stored == {}

    context.set_offline(False)  # the `online` event resends it
    expect(status).to_contain_text("已发送 1 条离线记录")
    assert list(served.stored.values()) == [("老人身体状况良好", "门口.png")]
    page.reload()
    expect(page.locator(".saved")).to_have_text("已保存 1 条")  # nothing left to resend twice
    expect(page.locator("#offline-status")).to_be_hidden()


def test_typed_text_survives_a_reload_and_is_gone_once_sent(served, phone):
    _, page = phone
    page.get_by_label("情况说明").fill("门口堆放杂物")
    page.reload()
    expect(page.get_by_label("情况说明")).to_have_value("门口堆放杂物")
    expect(page.locator("#offline-status")).to_contain_text("已恢复上次未发送的填写内容")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".saved")).to_have_text("已保存 1 条")
    expect(page.get_by_label("情况说明")).to_have_value("")
    assert [note for note, _ in served.stored.values()] == ["门口堆放杂物"]
