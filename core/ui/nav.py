"""Navigation entries: each names the permission it needs; the menu shows only what the
actor may use (a page cannot forget to hide itself)."""
from dataclasses import dataclass
from typing import Optional

from flask import url_for
from flask_babel import gettext as _

from core.permissions.access import scope_for


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    title: str  # Chinese source string, translated at render time
    permission: Optional[str]  # None: any signed-in user
    order: int = 100


CORE_NAV = (
    NavEntry("core_ui.home", "工作台", None, 0),
    NavEntry("core_orgs.tree", "组织架构", "core.org_read", 10),
    NavEntry("core_users.index", "账号管理", "core.user_read", 20),
    NavEntry("core_permissions.packages", "角色包", "core.package_read", 30),
    NavEntry("core_permissions.grants", "授权管理", "core.grant_read", 40),
    NavEntry("core_audit.index", "审计日志", "core.audit_read", 50),
    NavEntry("core_plugins.index", "功能模块", "core.plugin_enable", 60),
    NavEntry("core_ui.tokens", "访问令牌", None, 90),
)


def visible_entries(app, actor):
    """The entries ``actor`` may open, in order, as (url, translated title)."""
    if not actor.is_authenticated:
        return []
    entries = sorted(app.extensions.get("gridwork.nav", CORE_NAV), key=lambda e: e.order)
    return [(url_for(entry.endpoint), _(entry.title)) for entry in entries
            if entry.endpoint in app.view_functions and (entry.permission is None or scope_for(actor, entry.permission))]
