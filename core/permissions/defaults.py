"""The default role packages (默认角色包) and the core permissions each carries.

Plugins extend these through their manifests; admins compose their own packages in the UI.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DefaultPackage:
    name: str
    title_zh: str
    title_en: str
    description: str
    permissions: tuple = field(default_factory=tuple)


_ORG = ("core.org_read", "core.org_write")
_PEOPLE = ("core.user_read", "core.user_write", "core.grant_read", "core.grant_write", "core.package_read")

DEFAULT_PACKAGES = (
    DefaultPackage(
        "county_admin",
        "县级管理员",
        "County admin",
        "管理全县的组织、账号、角色包与功能模块",
        _ORG
        + _PEOPLE
        + (
            "core.package_write",
            "core.audit_read",
            "core.plugin_manage",
            "core.plugin_enable",
            "core.plugin_forbid",
            "core.plugin_retire",
            "core.plugin_purge",
            "core.alert_issue",
            "core.usage_read",
            "core.usage_manage",
            "core.rating_reply",
        ),
    ),
    DefaultPackage(
        "street_admin",
        "街道管理员",
        "Street admin",
        "管理本街道及下辖社区、网格与账号",
        _ORG
        + _PEOPLE
        + (
            "core.audit_read",
            "core.plugin_enable",
            "core.alert_issue",
            "core.plugin_retire",
            "core.usage_read",
            "core.rating_reply",
        ),
    ),
    DefaultPackage(
        "community_admin",
        "社区管理员",
        "Community admin",
        "管理本社区的网格、账号与场景",
        _ORG + _PEOPLE + ("core.plugin_enable", "core.rating_reply"),
    ),
    DefaultPackage(
        "event_dispatcher", "事件调度员", "Event dispatcher", "分派和跟踪事件工单", ("core.org_read", "core.user_read")
    ),
    DefaultPackage(
        "grid_feedback_worker", "网格反馈员", "Grid feedback worker", "在网格内采集信息、上报问题", ("core.org_read",)
    ),
    DefaultPackage(
        "data_supervisor",
        "数据监督员",
        "Data supervisor",
        "查看数据与审计日志（敏感信息脱敏）",
        (
            "core.org_read",
            "core.user_read",
            "core.grant_read",
            "core.package_read",
            "core.audit_read",
            "core.usage_read",
        ),
    ),
    DefaultPackage(
        "plugin_developer", "模块开发者", "Plugin developer", "发布功能模块，不接触居民数据", ("core.plugin_manage",)
    ),
)
