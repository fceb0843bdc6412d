"""Data openness and overlap from manifests (key ``data``), checked against what each plugin
registers: a declared service must be a registered service of that plugin, a declared event
one of its registered event types, a declared export one of its blueprints' endpoints. What is
declared but not registered does not count, and is named on the slimming list."""

from dataclasses import dataclass, field

CHANNELS = {"services": "服务", "events": "事件", "exports": "导出"}


@dataclass
class ModuleFacts:
    plugin: str
    title: str
    openness: int = 0  # channels (services, events, exports) that are declared and really registered
    shared: dict = field(default_factory=dict)  # channel → verified names
    unregistered: list = field(default_factory=list)  # "服务 resident_info.x" declared, not registered
    kinds: tuple = ()
    fields: tuple = ()  # ({name, title, kind}, …)
    overlaps: list = field(default_factory=list)  # sentences: what duplicates what
    prefill_from: dict = field(default_factory=dict)  # field title → source module title
    event_links: int = 0  # events it emits that others consume + others' events it consumes


def registered(app_state, plugin, view_functions):
    events = {name.split(".", 1)[1] for name in app_state.bus.types if name.startswith(f"{plugin}.")}
    services = {name for name in app_state.services if name.startswith(f"{plugin}.")}
    owners = app_state.blueprint_owners
    exports = {endpoint for endpoint in view_functions if owners.get(endpoint.split(".", 1)[0]) == plugin}
    return {"services": services, "events": events, "exports": exports}


def module_facts(app_state, view_functions, plugins):
    """{plugin: ModuleFacts} for the loaded ``plugins`` (host entries)."""
    facts = {}
    for entry in plugins:
        data = entry.manifest.data.get("data", {}) if entry.manifest else {}
        found = registered(app_state, entry.name, view_functions)
        item = ModuleFacts(
            entry.name, entry.title, kinds=tuple(data.get("kinds", ())), fields=tuple(data.get("fields", ()))
        )
        for channel, label in CHANNELS.items():
            declared = data.get("shares", {}).get(channel, [])
            item.shared[channel] = [name for name in declared if name in found[channel]]
            item.unregistered += [f"{label} {name}" for name in declared if name not in found[channel]]
        item.openness = sum(bool(names) for names in item.shared.values())
        item.event_links = _event_links(app_state, entry.name)
        facts[entry.name] = item
    _find_overlaps(facts)
    return facts


def _event_links(app_state, plugin):
    emitted = [name for name in app_state.bus.subscribers if name.startswith(f"{plugin}.")]
    consumed_by_others = sum(
        1 for name in emitted for handler in app_state.bus.subscribers[name] if not handler.startswith(f"{plugin}.")
    )
    consumes_others = sum(
        1
        for name, handlers in app_state.bus.subscribers.items()
        if not name.startswith(f"{plugin}.") and any(handler.startswith(f"{plugin}.") for handler in handlers)
    )
    return consumed_by_others + consumes_others


def _find_overlaps(facts):
    source_of = {}
    for item in facts.values():
        for kind in item.kinds:
            source_of.setdefault(kind, []).append(item)
    for item in facts.values():
        for kind in item.kinds:
            for other in source_of[kind]:
                if other is not item:
                    item.overlaps.append(f"与“{other.title}”登记同一类数据")
        for declared in item.fields:
            kind = declared["kind"].split(".", 1)[0]
            sources = [other for other in source_of.get(kind, ()) if other is not item]
            if sources:
                title = declared.get("title") or declared["name"]
                item.overlaps.append(f"其“{title}”字段与“{sources[0].title}”重复")
                item.prefill_from[title] = sources[0].title
