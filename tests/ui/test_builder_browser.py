"""A community admin builds a scenario on /scenarios/<id>/edit in a real Chromium: blocks
dragged from the palette (SortableJS forceFallback, stepped mouse moves), reordered by mouse
and by keyboard, an invalid setting refused in Chinese by its field, autosave, undo/redo, a
second tab's stale save refused with who saved, publish; then a grid worker sees the blocks
in that order. Screenshots of the builder kept as artifacts."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.testing import sign_in_page, signed_in_client

pytestmark = pytest.mark.slow
ARTIFACTS = Path(os.environ.get("GRIDWORK_ARTIFACTS", "build/walk")) / "scenarios"
M1 = "c1/s1/m1"
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "tablet": {"width": 820, "height": 1180}}
PHONE = {"width": 390, "height": 844}


def _draft(app, admin_user):
    client = signed_in_client(app, admin_user)
    doc = {"title": "高温关爱独居老人", "blocks": []}
    return client.post("/api/v1/scenarios", json={"org_path": M1, "document": doc}).get_json()["id"]


def _drag(page, source, target, below=True):
    """Press, nudge past SortableJS's tolerance, then move in small steps and release."""
    start, end = source.bounding_box(), target.bounding_box()
    x, y = start["x"] + 20, start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 8, y + 8, steps=4)
    to_y = end["y"] + (end["height"] - 6 if below else 6)
    page.mouse.move(end["x"] + 30, to_y, steps=25)
    page.mouse.move(end["x"] + 32, to_y + (1 if below else -1), steps=3)
    page.mouse.up()


def _press(page, button):
    """Focus the button named ``button`` and press Enter, as a keyboard user does."""
    page.get_by_role("button", name=button).focus()
    page.keyboard.press("Enter")


def refused_setting(page, label, typed, bound):
    """Type ``typed`` into the settings field ``label``: the server refuses it beside the field,
    in Chinese, naming the field and the ``bound`` it passed. Returns that field."""
    page.locator("#settings-form").get_by_label(label).fill(typed)
    field = page.locator("#settings-form .form-field.has-error")
    expect(field).to_contain_text(label)
    expect(field).to_contain_text(bound)
    return field


def _canvas(page):
    return page.locator("#canvas .select-block")


def _open_builder(browser, server, user, scenario_id, viewport):
    page = browser.new_context(viewport=viewport).new_page()
    sign_in_page(page, server, user.username)
    page.goto(f"{server.url}/scenarios/{scenario_id}/edit")
    expect(page.get_by_role("heading", name="编辑治理场景")).to_be_visible()
    return page


def test_an_admin_builds_and_publishes_a_scenario_a_grid_worker_then_uses(browser, scenes_server, make_user):
    app, server = scenes_server
    admin_user = make_user("community_admin", M1)
    scenario_id = _draft(app, admin_user)
    page = _open_builder(browser, server, admin_user, scenario_id, VIEWPORTS["laptop"])
    state = page.locator("#save-state")
    palette = page.locator(".palette-item")

    _drag(page, palette.filter(has_text="记事"), page.locator("#canvas"))
    expect(_canvas(page)).to_have_count(1)
    _drag(page, palette.filter(has_text="坏块"), page.locator("#canvas"))
    expect(_canvas(page)).to_have_text(["记事", "坏块"])
    # The palette still offers both blocks after a drag took a copy.
    expect(palette).to_have_count(2)

    _drag(page, page.locator("#canvas .canvas-item").nth(1), page.locator("#canvas .canvas-item").first, below=False)
    expect(_canvas(page)).to_have_text(["坏块", "记事"])
    _press(page, "上移「记事」（第 2 个）")
    expect(_canvas(page)).to_have_text(["记事", "坏块"])
    expect(page.get_by_role("button", name="上移「记事」（第 1 个）")).to_be_focused()

    page.get_by_role("button", name="设置「记事」（第 1 个）").click()
    field = refused_setting(page, "天数", "99", "30")
    expect(field).not_to_contain_text("/days")
    expect(state).to_have_text("未保存")
    page.screenshot(path=str(_artifact("builder-error-laptop.png")), full_page=True)
    page.locator("#settings-form").get_by_label("天数").fill("5")
    page.locator("#settings-form").get_by_label("标题").fill("电话问候")
    expect(state).to_have_text("已保存")
    expect(page.locator("#preview")).to_contain_text("电话问候：5 天")

    page.get_by_role("button", name="添加「记事」到场景").click()
    expect(_canvas(page)).to_have_count(3)
    page.keyboard.press("Control+z")
    expect(_canvas(page)).to_have_count(2)
    page.keyboard.press("Control+Shift+z")
    expect(_canvas(page)).to_have_count(3)
    page.get_by_role("button", name="撤销（Ctrl+Z）").click()
    expect(_canvas(page)).to_have_text(["记事", "坏块"])
    expect(state).to_have_text("已保存")
    for name, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(_artifact(f"builder-{name}.png")), full_page=True)

    other = _open_builder(browser, server, admin_user, scenario_id, VIEWPORTS["tablet"])
    other.get_by_label("场景标题").fill("高温关爱独居老人（夏季）")
    expect(other.locator("#save-state")).to_have_text("已保存")
    page.get_by_role("button", name="移除「坏块」（第 2 个）").click()
    expect(page.get_by_role("alert").filter(has_text="测试用户")).to_contain_text("保存为第")
    page.get_by_role("button", name="重新载入对方的版本").click()
    expect(page.get_by_label("场景标题")).to_have_value("高温关爱独居老人（夏季）")
    expect(_canvas(page)).to_have_count(2)

    page.get_by_label("发布到的组织").select_option(label="幸福社区")
    page.get_by_label("能看到的角色包").select_option(value="grid_feedback_worker")
    page.get_by_role("button", name="发布").click()
    expect(page.locator("#builder-message")).to_contain_text("已发布第")

    worker = browser.new_context(viewport=PHONE).new_page()
    sign_in_page(worker, server, make_user("grid_feedback_worker", f"{M1}/g1").username)
    worker.get_by_role("link", name="高温关爱独居老人（夏季）").click()
    expect(worker.locator(".scenario-block h2")).to_have_text(["记事", "坏块"])
    expect(worker.locator(".scenario-block").first).to_contain_text("电话问候：5 天")


def test_every_drag_has_a_keyboard_twin_and_a_drag_to_the_bin_removes(browser, scenes_server, make_user):
    app, server = scenes_server
    admin_user = make_user("community_admin", M1)
    page = _open_builder(browser, server, admin_user, _draft(app, admin_user), VIEWPORTS["tablet"])
    page.get_by_label("按名称查找功能块").fill("坏")
    expect(page.locator(".palette-item:visible .block-title")).to_have_text(["坏块"])
    page.get_by_label("按名称查找功能块").fill("")
    _press(page, "添加「记事」到场景")
    expect(page.get_by_role("button", name="添加「记事」到场景")).to_be_focused()
    _press(page, "添加「坏块」到场景")
    expect(_canvas(page)).to_have_text(["记事", "坏块"])
    _press(page, "下移「记事」（第 1 个）")
    expect(_canvas(page)).to_have_text(["坏块", "记事"])
    # The autosave's answer (天数 is still missing) redraws the canvas: the focus stays put.
    expect(page.locator("#canvas .canvas-item.has-error .select-block")).to_have_text(["记事"])
    expect(page.get_by_role("button", name="下移「记事」（第 2 个）")).to_be_focused()
    _press(page, "移除「坏块」（第 1 个）")
    expect(_canvas(page)).to_have_text(["记事"])
    expect(page.get_by_role("button", name="设置「记事」（第 1 个）")).to_be_focused()
    _drag(page, page.locator("#canvas .canvas-item").first, page.locator("#trash"))
    expect(_canvas(page)).to_have_count(0)
    expect(page.get_by_text("还没有功能块。")).to_be_visible()


def _a_save(response):
    return response.request.method == "PUT" and "/api/v1/scenarios/" in response.url


def test_a_save_answering_in_the_middle_of_a_drag_does_not_lose_it(browser, scenes_server, make_user):
    """Autosave answers whenever the server does; a user holding a block must still drop it."""
    app, server = scenes_server
    admin_user = make_user("community_admin", M1)
    page = _open_builder(browser, server, admin_user, _draft(app, admin_user), VIEWPORTS["laptop"])
    with page.expect_response(_a_save):
        _press(page, "添加「记事」到场景")
        _press(page, "添加「坏块」到场景")
    items = page.locator("#canvas .canvas-item")
    start, end = items.nth(1).bounding_box(), items.nth(0).bounding_box()
    x, y = start["x"] + 20, start["y"] + start["height"] / 2
    with page.expect_response(_a_save):
        page.get_by_label("场景标题").fill("拖动中保存")  # an edit: its autosave answers mid-drag
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 8, y - 8, steps=4)
        page.mouse.move(end["x"] + 30, end["y"] + 6, steps=10)
    expect(page.locator("#save-state")).not_to_have_text("保存中…")  # its answer is drawn, still held
    page.mouse.move(end["x"] + 32, end["y"] + 5, steps=3)
    page.mouse.up()
    expect(_canvas(page)).to_have_text(["坏块", "记事"])


def test_a_stale_tab_keeps_its_edits_as_a_copy(browser, scenes_server, make_user):
    app, server = scenes_server
    admin_user = make_user("community_admin", M1)
    scenario_id = _draft(app, admin_user)
    page = _open_builder(browser, server, admin_user, scenario_id, VIEWPORTS["laptop"])
    other = _open_builder(browser, server, admin_user, scenario_id, VIEWPORTS["laptop"])
    other.get_by_label("场景标题").fill("对方改的标题")
    expect(other.locator("#save-state")).to_have_text("已保存")
    _press(page, "添加「坏块」到场景")
    expect(page.get_by_role("button", name="另存为副本")).to_be_visible()
    expect(page.locator("#save-state")).to_have_text("未保存")
    page.get_by_role("button", name="另存为副本").click()
    expect(page).to_have_url(re.compile(rf"/scenarios/(?!{scenario_id}/)\d+/edit$"))
    expect(page.get_by_label("场景标题")).to_have_value("高温关爱独居老人（副本）")
    expect(_canvas(page)).to_have_text(["坏块"])


def test_the_builder_does_not_scroll_sideways_on_a_phone(browser, scenes_server, make_user):
    app, server = scenes_server
    admin_user = make_user("community_admin", M1)
    page = _open_builder(browser, server, admin_user, _draft(app, admin_user), PHONE)
    page.get_by_role("button", name="添加「记事」到场景").click()
    expect(_canvas(page)).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(_artifact("builder-phone.png")), full_page=True)


def _artifact(name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
