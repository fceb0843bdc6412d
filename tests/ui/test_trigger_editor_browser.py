"""The trigger editor (联动规则) on the builder page in a real Chromium: its menus offer only
the events of blocks on the canvas and the actions and payload fields that fit them; adding,
editing (a fixed value instead of a payload field) and deleting a trigger go through undo
and autosave; moving blocks keeps the trigger on its blocks, and removing one shows the
trigger as broken with the server's reason beside it. A trigger can be added by keyboard alone."""

import pytest
from playwright.sync_api import expect
from test_builder_browser import M1, VIEWPORTS, _artifact, _open_builder

from core.testing import signed_in_client

pytestmark = pytest.mark.slow

NOTED = "「记事」（第 1 个）：记了一条"
WORDS = (
    "第 1 条：当「记事」（第 1 个）「记了一条」发生，且「条数」大于「2」，"
    "就让「记事」（第 3 个）「记下」（内容取事件的「内容」）"
)


def _options(select):
    return select.locator("option").all_inner_texts()


def _draft(app, admin_user):
    """A draft of 记事, 坏块, 记事: only 记事 emits 记了一条; 坏块's 标记紧急 needs a yes/no."""
    notes = {"plugin": "fx_scenes", "block": "notes", "settings": {"days": 3}}
    blocks = [notes, {"plugin": "fx_scenes", "block": "broken", "settings": {}}, {**notes, "settings": {"days": 5}}]
    client = signed_in_client(app, admin_user)
    doc = {"title": "联动测试", "blocks": blocks}
    scenario_id = client.post("/api/v1/scenarios", json={"org_path": M1, "document": doc}).get_json()["id"]
    return client, scenario_id


def _open_a_draft(browser, scenes_server, make_user, viewport):
    """(API client, scenario id, builder page) of a community admin's new draft."""
    app, server = scenes_server
    admin_user = make_user("community_admin", M1)
    client, scenario_id = _draft(app, admin_user)
    return client, scenario_id, _open_builder(browser, server, admin_user, scenario_id, viewport)


def _saved_triggers(client, scenario_id):
    return client.get(f"/api/v1/scenarios/{scenario_id}").get_json()["document"]["triggers"]


def test_the_menus_offer_only_what_fits_and_every_trigger_edit_is_undoable(browser, scenes_server, make_user):
    client, scenario_id, page = _open_a_draft(browser, scenes_server, make_user, VIEWPORTS["laptop"])
    state, form = page.locator("#save-state"), page.locator("#trigger-form")
    expect(page.get_by_text("还没有联动规则。")).to_be_visible()

    when, then = form.get_by_label("当（发生的事）"), form.get_by_label("就（要做的事）")
    assert _options(when) == ["请选择发生的事", NOTED, "「记事」（第 3 个）：记了一条"]
    when.select_option(label=NOTED)
    # 坏块's 标记紧急 needs a yes/no that 记了一条 does not carry: it is not offered.
    assert _options(then) == ["请选择要做的事", "「记事」（第 1 个）：记下", "「记事」（第 3 个）：记下"]
    field = form.get_by_label("如果（可不设条件）")
    assert _options(field) == ["不设条件", "内容", "条数"]
    field.select_option(label="条数")
    assert _options(form.get_by_label("条件", exact=True)) == ["等于", "大于", "小于", "属于"]
    form.get_by_label("条件", exact=True).select_option(label="大于")
    form.get_by_label("条件的值").fill("很多")
    then.select_option(label="「记事」（第 3 个）：记下")
    # Only the payload's text field can fill 内容 (条数 is a number), or a fixed value.
    assert _options(form.get_by_label("「内容」（必填）的来源")) == ["取事件的「内容」", "固定值"]
    form.get_by_role("button", name="添加规则").click()
    expect(form.get_by_role("alert")).to_have_text("条件的值需要填写整数。")
    form.get_by_label("条件的值").fill("2")
    form.get_by_role("button", name="添加规则").click()
    expect(page.locator(".trigger-item")).to_have_text([WORDS + "编辑删除"])
    expect(page.get_by_role("button", name="编辑第 1 条联动规则")).to_be_focused()
    expect(state).to_have_text("已保存")
    assert _saved_triggers(client, scenario_id) == [
        {
            "when": {"block": 0, "event": "noted"},
            "if": {"field": "count", "op": "gt", "value": 2},
            "then": {"block": 2, "action": "remember", "mapping": {"text": "text"}},
        }
    ]

    page.keyboard.press("Enter")  # 编辑 has the focus: the form fills with the trigger
    expect(form.locator("legend")).to_have_text("修改第 1 条联动规则")
    expect(form.get_by_label("条件的值")).to_have_value("2")
    form.get_by_label("「内容」（必填）的来源").select_option(label="固定值")
    form.get_by_label("「内容」的固定值").fill("上门看看")
    for name, viewport in VIEWPORTS.items():  # the form filled in, at laptop and tablet size
        page.set_viewport_size(viewport)
        page.screenshot(path=str(_artifact(f"triggers-{name}.png")), full_page=True)
    form.get_by_role("button", name="保存修改").click()
    expect(page.locator(".trigger-words")).to_contain_text("（内容为「上门看看」）")
    expect(state).to_have_text("已保存")
    assert _saved_triggers(client, scenario_id)[0]["then"] == {
        "block": 2,
        "action": "remember",
        "mapping": {},
        "values": {"text": "上门看看"},
    }
    page.get_by_role("button", name="撤销（Ctrl+Z）").click()
    expect(page.locator(".trigger-words")).to_have_text(WORDS)
    page.get_by_role("button", name="重做（Ctrl+Shift+Z）").click()
    expect(page.locator(".trigger-words")).to_contain_text("（内容为「上门看看」）")


def test_moving_blocks_keeps_a_trigger_on_them_and_removing_one_breaks_it_visibly(browser, scenes_server, make_user):
    client, scenario_id, page = _open_a_draft(browser, scenes_server, make_user, VIEWPORTS["tablet"])
    form, state = page.locator("#trigger-form"), page.locator("#save-state")
    # By keyboard alone: arrow keys choose in a menu, Tab moves on, Enter adds.
    form.get_by_label("当（发生的事）").focus()
    page.keyboard.press("ArrowDown")
    expect(form.get_by_label("当（发生的事）")).to_have_value("0:noted")
    page.keyboard.press("Tab")  # 如果: no condition
    page.keyboard.press("Tab")
    expect(form.get_by_label("就（要做的事）")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(form.get_by_label("就（要做的事）")).to_have_value("2:remember")
    page.keyboard.press("Tab")  # 「内容」的来源: 取事件的「内容」 already
    page.keyboard.press("Tab")
    expect(form.get_by_role("button", name="添加规则")).to_be_focused()
    page.keyboard.press("Enter")
    expect(state).to_have_text("已保存")

    page.get_by_role("button", name="下移「记事」（第 1 个）").click()
    moved = "当「记事」（第 2 个）「记了一条」发生，就让「记事」（第 3 个）"
    expect(page.locator(".trigger-words")).to_contain_text(moved)
    expect(state).to_have_text("已保存")
    assert _saved_triggers(client, scenario_id)[0]["when"]["block"] == 1

    page.get_by_role("button", name="移除「记事」（第 3 个）").click()
    broken = page.locator(".trigger-item")
    expect(broken).to_contain_text("这条规则用不了")
    expect(broken).to_contain_text("第 1 条联动规则引用的功能块不存在")  # the server's refusal, by the rule
    expect(page.locator("#builder-message")).to_contain_text("有 1 条联动规则需要修改")
    expect(state).to_have_text("未保存")
    page.screenshot(path=str(_artifact("triggers-broken-tablet.png")), full_page=True)
    page.get_by_role("button", name="撤销（Ctrl+Z）").click()
    expect(broken).not_to_contain_text("这条规则用不了")
    expect(state).to_have_text("已保存")

    page.get_by_role("button", name="删除第 1 条联动规则").click()
    expect(page.get_by_text("还没有联动规则。")).to_be_visible()
    expect(page.locator("#triggers-heading")).to_be_focused()
    expect(state).to_have_text("已保存")
    assert _saved_triggers(client, scenario_id) == []
