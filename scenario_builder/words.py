"""What changed between two versions, in words an admin reads: "新增功能块「记事」",
"「记事」从第 1 位移到第 2 位", "「记事」的设置「天数」由 7 改为 3"."""

import json

from core.public import block_offers


def changes_between(old, new):
    """[Chinese sentence] describing how document ``new`` differs from ``old``."""
    offers = block_offers()
    words = []
    if old["title"] != new["title"]:
        words.append(f"标题由「{old['title']}」改为「{new['title']}」")
    if old["description"] != new["description"]:
        words.append("说明有修改")
    words += _block_changes(old["blocks"], new["blocks"], offers)
    if old["triggers"] != new["triggers"]:
        words.append(f"联动规则由 {len(old['triggers'])} 条变为 {len(new['triggers'])} 条")
    if old["published_to"] != new["published_to"] or old["packages"] != new["packages"]:
        words.append("发布范围有修改")
    return words


def keyed(blocks):
    """Each block keyed by (plugin, block, n-th of its kind), so two of a kind stay apart."""
    seen, keyed = {}, {}
    for position, placed in enumerate(blocks):
        kind = (placed["plugin"], placed["block"])
        seen[kind] = seen.get(kind, 0) + 1
        keyed[(*kind, seen[kind])] = (position, placed)
    return keyed


def _block_changes(old_blocks, new_blocks, offers):
    old, new, words = keyed(old_blocks), keyed(new_blocks), []
    common = old.keys() & new.keys()
    for key, (position, placed) in new.items():
        name = _title(offers, placed)
        if key not in old:
            words.append(f"在第 {position + 1} 位新增功能块「{name}」")
            continue
        old_position, old_placed = old[key]
        if _rank(old, key, common) != _rank(new, key, common):
            words.append(f"「{name}」从第 {old_position + 1} 位移到第 {position + 1} 位")
        words += _settings_changes(name, old_placed["settings"], placed["settings"], offers.get(key[:2]))
    words += [f"删除了功能块「{_title(offers, placed)}」" for key, (_p, placed) in old.items() if key not in new]
    return words


def _rank(keyed, key, common):
    """A block's rank among the blocks both versions hold: a block does not "move" just
    because another was added before it."""
    return sorted(common, key=lambda k: keyed[k][0]).index(key)


def _settings_changes(name, old, new, offer):
    properties = offer.entry["settings_schema"].get("properties", {}) if offer else {}
    words = []
    for field in sorted(set(old) | set(new)):
        if old.get(field) != new.get(field):
            label = properties.get(field, {}).get("title", "其他设置")
            words.append(f"「{name}」的设置「{label}」由 {_shown(old.get(field))} 改为 {_shown(new.get(field))}")
    return words


def _shown(value):
    return "（空）" if value is None else json.dumps(value, ensure_ascii=False)


def _title(offers, placed):
    offer = offers.get((placed["plugin"], placed["block"]))
    return offer.entry["title"]["zh"] if offer else "未安装的功能块"
