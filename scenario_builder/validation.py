"""Every rule the builder page checks, checked again on the server: a scenario is saved only
when each block exists, is switched on at the scenario's node and has valid settings, and
every trigger joins an event a block emits to an action a block accepts. Errors point at the
block and field (``/blocks/2/settings/days``), in Chinese, never echoing a value."""

from core.public import ApiError, block_offers, event_payload_schema, plugin_enabled_at, validate_or_raise

OPERATORS = {"equals", "in", "lt", "gt"}


def refuse_if(errors):
    if errors:
        raise ApiError(422, errors[0]["detail"], pointer=errors[0]["pointer"], errors=errors)


def checked_blocks(document, org_path):
    """The document's blocks with settings migrated to each block's current settings version;
    raises 422 listing every block problem."""
    offers, errors, blocks = block_offers(), [], []
    for index, placed in enumerate(document["blocks"]):
        pointer = f"/blocks/{index}"
        offer = offers.get((placed["plugin"], placed["block"]))
        problem = _placement_problem(placed, offer, org_path, index)
        if problem:
            errors.append({"pointer": pointer + problem[0], "detail": problem[1]})
            continue
        settings, version_errors = _current_settings(placed, offer, pointer, index)
        errors += version_errors
        blocks.append({**placed, "settings": settings, "settings_version": offer.entry.get("settings_version", 1)})
    refuse_if(errors)
    return blocks


def _placement_problem(placed, offer, org_path, index):
    where = f"第 {index + 1} 个功能块"
    if offer is None:
        known = any(plugin == placed["plugin"] for plugin, _ in block_offers())
        return ("/block", f"{where}在该模块中不存在") if known else ("/plugin", f"{where}所属的功能模块未安装")
    if not plugin_enabled_at(offer.plugin, org_path):
        return "/plugin", f"{where}（{offer.entry['title']['zh']}）所属的模块「{offer.plugin_title}」未在本组织启用"
    return None


def _current_settings(placed, offer, pointer, index):
    current = offer.entry.get("settings_version", 1)
    saved = placed.get("settings_version", current)
    if saved > current:
        detail = f"第 {index + 1} 个功能块的设置版本比已安装的模块新，请先升级该模块"
        return placed["settings"], [{"pointer": pointer + "/settings_version", "detail": detail}]
    settings = offer.block.migrate_settings(dict(placed["settings"]), saved) if saved < current else placed["settings"]
    try:
        validate_or_raise(offer.entry["settings_schema"], settings)
    except ApiError as error:
        return settings, [_under(pointer + "/settings", item, index) for item in error.errors]
    return settings, []


def _under(prefix, item, index):
    return {
        "pointer": prefix + item["pointer"].rstrip("/"),
        "detail": f"第 {index + 1} 个功能块的设置 {item['detail']}",
    }


def check_triggers(document, blocks):
    """Raises 422 unless every trigger is compatible: the event is one its block emits, the
    condition tests a declared payload field, the action is one its block accepts and the
    mapping fills the action's input from payload fields."""
    offers, errors = block_offers(), []
    for index, trigger in enumerate(document.get("triggers", [])):
        errors += _trigger_problems(trigger, f"/triggers/{index}", index, blocks, offers)
    refuse_if(errors)


def _trigger_problems(trigger, pointer, index, blocks, offers):
    name = f"第 {index + 1} 条联动规则"
    source, target = _block_at(blocks, trigger["when"]["block"]), _block_at(blocks, trigger["then"]["block"])
    if source is None or target is None:
        end = "/when/block" if source is None else "/then/block"
        return [{"pointer": pointer + end, "detail": f"{name}引用的功能块不存在"}]
    source_offer, target_offer = (
        offers[(source["plugin"], source["block"])],
        offers[(target["plugin"], target["block"])],
    )
    if trigger["when"]["event"] not in source_offer.entry.get("emits", []):
        return [{"pointer": pointer + "/when/event", "detail": f"{name}的事件不是该功能块会发出的事件"}]
    payload = _payload_fields(source_offer.plugin, trigger["when"]["event"])
    problems = _condition_problems(trigger.get("if"), payload, pointer, name)
    action = next((a for a in target_offer.entry["actions"] if a["name"] == trigger["then"]["action"]), None)
    if action is None:
        return problems + [{"pointer": pointer + "/then/action", "detail": f"{name}的动作是该功能块不接受的动作"}]
    return problems + _mapping_problems(trigger["then"], payload, action, pointer, name)


def _block_at(blocks, position):
    return blocks[position] if 0 <= position < len(blocks) else None


def _payload_fields(plugin, event):
    schema = event_payload_schema(f"{plugin}.{event}") or {}
    return set(schema.get("properties", {}))


def _condition_problems(condition, payload, pointer, name):
    if condition is None:
        return []
    if condition["field"] not in payload:
        return [{"pointer": pointer + "/if/field", "detail": f"{name}的条件字段不是该事件的字段"}]
    value, op = condition["value"], condition["op"]
    if op == "in" and not isinstance(value, list):
        return [{"pointer": pointer + "/if/value", "detail": f"{name}的条件“属于”需要一组值"}]
    if op in ("lt", "gt") and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return [{"pointer": pointer + "/if/value", "detail": f"{name}的条件“小于/大于”需要一个数"}]
    return []


def _mapping_problems(then, payload, action, pointer, name):
    """The action's input comes from payload fields (``mapping``) or fixed values (``values``);
    every required input from one of them, every fixed value valid for its input field."""
    inputs, mapping, values = action["input_schema"], then.get("mapping", {}), then.get("values", {})
    known = inputs.get("properties", {})
    problems = [
        {"pointer": f"{pointer}/then/{part}/{key}", "detail": f"{name}填写了动作没有的字段 {key}"}
        for part, given in (("mapping", mapping), ("values", values))
        for key in given
        if key not in known
    ]
    problems += [
        {"pointer": f"{pointer}/then/mapping/{key}", "detail": f"{name}的映射取自事件中不存在的字段"}
        for key, source in mapping.items()
        if key in known and source not in payload
    ]
    problems += _value_problems(values, known, pointer, name)
    problems += [
        {"pointer": f"{pointer}/then/mapping/{key}", "detail": f"{name}没有为动作的必填字段 {key} 指定来源"}
        for key in inputs.get("required", [])
        if key not in mapping and key not in values
    ]
    return problems


def _value_problems(values, known, pointer, name):
    problems = []
    for key, value in values.items():
        if key not in known:
            continue
        try:
            validate_or_raise({"type": "object", "properties": {key: known[key]}}, {key: value})
        except ApiError:
            title = known[key].get("title", key)
            detail = f"{name}的固定值「{title}」不符合要求"
            problems.append({"pointer": f"{pointer}/then/values/{key}", "detail": detail})
    return problems
