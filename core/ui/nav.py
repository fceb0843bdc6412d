"""Navigation entries: each names the permission it needs; the menu shows only what the
actor may use (a page cannot forget to hide itself)."""

from dataclasses import dataclass
from typing import Optional

from flask import url_for
from flask_babel import gettext as _

from core.permissions.access import scope_for
from core.state import state_of
from core.tree.regions import intersect


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    title: str  # Chinese source string, translated at render time
    permission: Optional[str]  # None: any signed-in user
    order: int = 100


CORE_NAV = (
    NavEntry("core_ui.home", "工作台", None, 0),
    NavEntry("core_alerts.index", "预警发布", "core.alert_issue", 5),
    NavEntry("core_orgs.tree", "组织架构", "core.org_read", 10),
    NavEntry("core_users.index", "账号管理", "core.user_read", 20),
    NavEntry("core_permissions.packages", "角色包", "core.package_read", 30),
    NavEntry("core_permissions.grants", "授权管理", "core.grant_read", 40),
    NavEntry("core_audit.index", "审计日志", "core.audit_read", 50),
    NavEntry("core_plugins.index", "功能模块", "core.plugin_enable", 60),
    NavEntry("core_usage.slimming", "瘦身清单", "core.usage_read", 62),
    NavEntry("core_events.index", "事件投递", "core.plugin_manage", 70),
    NavEntry("core_jobs.index", "定时任务", "core.plugin_manage", 72),
    NavEntry("core_ui.tokens", "访问令牌", None, 90),
)


def visible_entries(app, actor):
    """The entries ``actor`` may open, in order, as (url, translated title). A plugin's entry
    also needs the plugin switched on somewhere in the actor's grants, whatever permission
    it names (its pages answer 404 elsewhere)."""
    if not actor.is_authenticated:
        return []
    owned = sorted(state_of(app).nav, key=lambda pair: pair[1].order)
    return [
        (url_for(entry.endpoint), _(entry.title))
        for plugin, entry in owned
        if entry.endpoint in app.view_functions and _may_open(app, actor, plugin, entry)
    ]


def _may_open(app, actor, plugin, entry):
    if entry.permission is not None and not scope_for(actor, entry.permission):
        return False
    if plugin == "core":
        return True

    policy = state_of(app).policy
    return bool(intersect([path for _, path in policy.grants_of(actor.id)], policy.plugin_terms(plugin)))
