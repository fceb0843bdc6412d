"""The permissions the platform knows: core's own, and (later) those plugin manifests declare.

A permission is named ``<owner>.<action>`` (``core.org_write``). It is data, not code:
packages bundle them, grants bind packages to users at org nodes.
"""

import re
from dataclasses import dataclass

PERMISSION_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,40}\.[a-z][a-z0-9_]{0,60}$")


@dataclass(frozen=True)
class Permission:
    name: str
    title_zh: str
    title_en: str = ""

    @property
    def owner(self):
        return self.name.split(".", 1)[0]


CORE_PERMISSIONS = (
    Permission("core.org_read", "查看组织架构", "View org tree"),
    Permission("core.org_write", "管理组织架构（新建、改名、移动、合并、导入）", "Manage org tree"),
    Permission("core.user_read", "查看账号", "View accounts"),
    Permission("core.user_write", "管理账号（新建、停用、重置密码）", "Manage accounts"),
    Permission("core.package_read", "查看角色包", "View role packages"),
    Permission("core.package_write", "编辑角色包", "Edit role packages"),
    Permission("core.grant_read", "查看授权", "View grants"),
    Permission("core.grant_write", "授予或收回角色包", "Grant and revoke role packages"),
    Permission("core.audit_read", "查看审计日志", "View the audit trail"),
    Permission("core.plugin_manage", "发布和管理功能模块（查看加载情况与事件投递）", "Publish and manage plugins"),
    Permission("core.plugin_enable", "在本级及下级启用或停用功能模块", "Enable or disable plugins"),
    Permission("core.alert_issue", "发布和解除预警（高温、寒潮、台风、暴雨）", "Issue and lift alerts"),
    Permission("core.plugin_forbid", "禁止下级使用某个功能模块", "Forbid a plugin for a subtree"),
    Permission("core.plugin_retire", "让功能模块下线（提示、冻结、下线、恢复）", "Retire and restore plugins"),
    Permission("core.plugin_purge", "清除已下线功能模块的数据（不可恢复）", "Purge a retired plugin's data"),
    Permission(
        "core.usage_read", "查看模块使用情况、评价和系统瘦身清单", "View module usage, ratings and the slimming list"
    ),
    Permission(
        "core.usage_manage", "设置瘦身清单权重和好差评办理时限", "Set slimming-list weights and rating deadlines"
    ),
    Permission("core.rating_reply", "回复和办结对功能模块的差评", "Reply to and resolve bad module ratings"),
)


class PermissionCatalogue:
    """All permissions of one app, by name. Refuses duplicates: one name, one meaning."""

    def __init__(self, permissions=()):
        self._by_name = {}
        for permission in permissions:
            self.add(permission)

    def add(self, permission):
        if not PERMISSION_PATTERN.match(permission.name):
            raise ValueError(f"权限名称格式不正确：{permission.name!r}（应为 <模块>.<动作>）")
        if permission.name in self._by_name:
            raise ValueError(f"权限重复定义：{permission.name}")
        self._by_name[permission.name] = permission

    def __contains__(self, name):
        return name in self._by_name

    def get(self, name):
        return self._by_name.get(name)

    def all(self):
        return sorted(self._by_name.values(), key=lambda p: p.name)
