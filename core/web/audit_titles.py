"""What the audit page calls each action (登录失败, 查看居民完整身份证号和电话 …): the core's
own actions here, a plugin's from its manifest's ``audit_actions``. An action nobody named
(a retired plugin's, a test's) reads 其他操作; its code stays in the entry's 详情."""

from dataclasses import dataclass

from core.state import state_of

UNNAMED = "其他操作"

CORE_ACTIONS = {
    "core.login_succeeded": "登录成功",
    "core.login_failed": "登录失败",
    "core.login_throttled": "登录尝试过多被暂停",
    "core.logout": "退出登录",
    "core.password_changed": "修改密码",
    "core.password_change_failed": "修改密码未成功",
    "core.permission_denied": "无权限被拒绝",
    "core.user_created": "新建账号",
    "core.user_updated": "修改账号",
    "core.user_enabled": "启用账号",
    "core.user_disabled": "停用账号",
    "core.user_password_reset": "重置账号密码",
    "core.token_created": "新建访问令牌",
    "core.token_revoked": "收回访问令牌",
    "core.package_created": "新建角色包",
    "core.package_updated": "修改角色包",
    "core.package_deleted": "删除角色包",
    "core.grant_created": "授予角色包",
    "core.grant_revoked": "收回授权",
    "core.org_created": "新建组织节点",
    "core.org_renamed": "组织节点改名",
    "core.org_moved": "移动组织节点",
    "core.org_merged": "合并组织节点",
    "core.org_deleted": "删除组织节点",
    "core.org_imported": "批量导入组织架构",
    "core.plugin_enabled": "开启功能模块",
    "core.plugin_disabled": "关闭功能模块",
    "core.plugin_forbidden": "禁用功能模块",
    "core.plugin_setting_cleared": "功能模块改为沿用上级设置",
    "core.plugin_flagged": "发出功能模块下线提示",
    "core.plugin_frozen": "冻结功能模块（只读）",
    "core.plugin_retired": "下线功能模块（数据保留）",
    "core.plugin_restored": "恢复下线的功能模块",
    "core.plugin_purged": "清除已下线功能模块的数据",
    "core.event_replayed": "重新投递事件",
    "core.escalation_fired": "逾期提醒上报",
    "core.alert_issued": "发布预警",
    "core.alert_lifted": "解除预警",
    "core.attachment_added": "上传附件",
    "core.attachment_removed": "删除附件",
    "core.attachment_viewed": "查看附件",
    "core.matrix_marker": "测试标记",
}
# Views of personal data: what the 敏感信息查看 tab lists.
CORE_SENSITIVE = frozenset({"core.attachment_viewed"})


@dataclass(frozen=True)
class ActionTitles:
    titles: dict  # {action: Chinese title}
    sensitive: frozenset
    groups: tuple  # ((plugin title, ((action, title), …)), …) for the filter's menu

    def title(self, action):
        return self.titles.get(action, UNNAMED)


def action_titles():
    """Every known action's title, the core's and each loaded plugin's."""
    host = state_of().host
    titles, sensitive, groups = dict(CORE_ACTIONS), set(CORE_SENSITIVE), [("系统", tuple(CORE_ACTIONS.items()))]
    for plugin in host.loaded():
        declared = plugin.manifest.audit_actions() if plugin.manifest else []
        if declared:
            groups.append((plugin.title, tuple((action, title) for action, title, _s in declared)))
        for action, title, is_sensitive in declared:
            titles[action] = title
            if is_sensitive:
                sensitive.add(action)
    return ActionTitles(titles, frozenset(sensitive), tuple(groups))
