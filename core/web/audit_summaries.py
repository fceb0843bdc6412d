"""A short Chinese line per audit entry — what happened, in words — and the name of its
object. ``Names`` carries what the page already looked up (display names, node names,
package titles), so describing 50 entries costs a handful of queries, not 50."""

from collections import defaultdict
from dataclasses import dataclass, field

from core.alerts.models import KINDS as ALERT_KINDS
from core.permissions.access import permission_title

LOGIN_REASONS = {"unknown_user": "账号不存在", "bad_password": "密码错误", "disabled": "账号已停用"}
USER_FIELDS = {"display_name": "姓名", "org_path": "所属组织", "is_active": "启用状态"}
PACKAGE_FIELDS = {"title_zh": "中文名称", "title_en": "英文名称", "description": "说明"}
PLUGIN_STATES = {"enabled": "开启", "disabled": "关闭", "forbidden": "禁用", "inherit": "沿用上级"}


@dataclass
class Names:
    users: dict = field(default_factory=dict)  # {"user:7": display name}
    people: dict = field(default_factory=dict)  # {username: display name}
    packages: dict = field(default_factory=dict)  # {package name: title}
    places: dict = field(default_factory=dict)  # {org path: 东湖街道 › 幸福社区}
    plugins: dict = field(default_factory=dict)  # {plugin name: title}

    def person(self, username):
        return self.people.get(username, username)

    def package(self, name):
        return self.packages.get(name, "（已删除的角色包）")


def object_name(entry, names):
    """What the entry acted on, by name; "" when it names nothing a reader would know."""
    kind, _sep, key = entry.target.partition(":")
    detail = entry.detail or {}
    if kind == "user":
        return names.users.get(entry.target) or detail.get("display_name") or "（已删除的账号）"
    if kind == "org":
        return detail.get("name") or names.places.get(entry.org_path, "")
    if kind == "package":
        return names.packages.get(key) or detail.get("title_zh") or "（已删除的角色包）"
    if kind == "grant":
        return f"{names.person(detail.get('username', ''))} · {names.package(detail.get('package', ''))}"
    if kind == "plugin":
        return names.plugins.get(key, "（未安装的功能模块）")
    if kind == "token":
        return f"访问令牌“{detail['name']}”" if detail.get("name") else "访问令牌"
    if kind == "alert":
        return "预警"
    if kind == "attachment":
        return "附件"
    return ""


def summary(entry, names):
    describe = _SUMMARIES.get(entry.action)
    return describe(entry.detail or {}, names) if describe else ""


def _login_failed(detail, names):
    return "原因：" + LOGIN_REASONS.get(detail.get("reason"), "其他")


def _denied(detail, names):
    permission = detail.get("permission")
    title = permission_title(permission) if permission else ""
    return f"缺少“{title}”权限" if title and title != permission else "缺少所需的权限"  # never the bare code


def _user_changed(detail, names):
    fields = [USER_FIELDS.get(key, "其他") for key in detail.get("changes", {})]
    return "修改了" + "、".join(fields) if fields else ""


def _credentials_ended(detail, names):
    return f"结束登录 {detail.get('sessions_ended', 0)} 处，收回令牌 {detail.get('tokens_revoked', 0)} 个"


def _package_changed(detail, names):
    parts = []
    if detail.get("added"):
        parts.append(f"增加权限 {len(detail['added'])} 项")
    if detail.get("removed"):
        parts.append(f"去掉权限 {len(detail['removed'])} 项")
    if detail.get("fields"):
        parts.append("修改了" + "、".join(PACKAGE_FIELDS.get(f, "其他") for f in detail["fields"]))
    return "，".join(parts)


def _package_listed(detail, names):
    return f"含权限 {len(detail.get('permissions', []))} 项"


def _plugin_state(detail, names):
    return f"{PLUGIN_STATES.get(detail.get('old'), '未设置')} → {PLUGIN_STATES.get(detail.get('new'), '未设置')}"


def _moved(detail, names):
    return f"从“{names.places.get(detail.get('old', ''), '原位置')}”移到新的上级"


def _worded(template, **defaults):
    """A summary that fills ``template`` from the entry's detail (a missing key: its
    default, else nothing)."""
    return lambda detail, names: template.format_map(defaultdict(str, {**defaults, **detail}))


def _alert(detail, names):
    kind = ALERT_KINDS.get(detail.get("kind"))
    return f"{kind}预警" if kind else ""


_SUMMARIES = {
    "core.login_failed": _login_failed,
    "core.password_change_failed": _worded("新密码不符合要求或原密码错误"),
    "core.permission_denied": _denied,
    "core.user_updated": _user_changed,
    "core.user_disabled": _credentials_ended,
    "core.user_password_reset": _credentials_ended,
    "core.package_updated": _package_changed,
    "core.package_created": _package_listed,
    "core.package_deleted": _package_listed,
    "core.plugin_enabled": _plugin_state,
    "core.plugin_disabled": _plugin_state,
    "core.plugin_forbidden": _plugin_state,
    "core.plugin_setting_cleared": _plugin_state,
    "core.org_renamed": _worded("“{old}”改为“{new}”"),
    "core.org_merged": _worded("并入了“{source_name}”"),
    "core.org_moved": _moved,
    "core.org_imported": _worded("共 {count} 条", count=0),
    "core.event_replayed": _worded("共 {count} 条", count=0),
    "core.escalation_fired": _worded("共 {count} 条", count=0),
    "core.alert_issued": _alert,
    "core.plugin_retired": _worded("已存档完整导出"),
    "core.plugin_purged": _worded("已按存档的导出清除本节点及下级的数据"),
}
