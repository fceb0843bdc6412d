"""Why a module's scenario blocks cannot work at a node, in words an admin reads — for the
scenario builder's list of affected scenarios (``core.public.module_unavailable``)."""

from core.lifecycle.states import lifecycle_at, live_steps
from core.plugin_system.enablement import settings_of
from core.tree.regions import effective_state

REASONS = {
    "retired": "已在本组织下线（数据保留）",
    "frozen": "已在本组织冻结（只读，不能新增或修改）",
    "forbidden": "已被上级禁止使用",
    "disabled": "未在本组织启用",
}


def module_unavailable(session, plugin, org_path):
    """The reason ``plugin`` is retired, frozen, forbidden or disabled at ``org_path``, or ""
    when its blocks work there. The lifecycle decides first: a retired module is also off."""
    state = lifecycle_at(live_steps(session, plugin), org_path).state
    if state in ("retired", "frozen"):
        return REASONS[state]
    switched = effective_state(settings_of(session, plugin), org_path)
    return "" if switched == "enabled" else REASONS[switched]
