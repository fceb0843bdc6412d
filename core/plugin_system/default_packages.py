"""What manifests ask of the default role packages: the plugin permissions each gets.

A manifest can also set a trap: granting a package at a node needs every permission in
it (``core.permissions.grants.first_missing_permission``), so a permission given to
``community_admin`` but not to ``county_admin`` leaves county admins unable to grant
community admins at all. The loader warns about that; it does not stop the plugin.
"""

import logging

from core.permissions.defaults import DEFAULT_PACKAGES

log = logging.getLogger(__name__)


def manifest_default_permissions(host):
    """{package name: {permission, …}} from every loaded plugin's manifest."""
    extra = {}
    for plugin in host.loaded():
        if plugin.manifest is None:
            continue
        for entry in plugin.manifest.data.get("permissions", []):
            for package in entry.get("default_packages", []):
                extra.setdefault(package, set()).add(f"{plugin.name}.{entry['name']}")
    return extra


def granting_packages():
    """{default package: the default admin packages that can grant it}.

    The anti-escalation rule applied to the core's defaults: an admin package (one holding
    ``core.grant_write``) can grant a package when it holds all of its core permissions —
    county_admin ⊇ street_admin ⊇ community_admin ⊇ grid_feedback_worker, and so on."""
    core = {package.name: set(package.permissions) for package in DEFAULT_PACKAGES}
    admins = [name for name, permissions in core.items() if "core.grant_write" in permissions]
    return {
        name: [admin for admin in admins if admin != name and core[admin] >= permissions]
        for name, permissions in core.items()
    }


def ungrantable_defaults(plugin_name, manifest_data):
    """Chinese warnings, one per (permission, package) whose granters were left out."""
    granters = granting_packages()
    warnings = []
    for entry in manifest_data.get("permissions", []):
        packages = entry.get("default_packages", [])
        for package in packages:
            missing = [admin for admin in granters.get(package, []) if admin not in packages]
            if missing:
                who = "、".join(missing)
                warnings.append(
                    f"权限 {plugin_name}.{entry['name']} 的 default_packages 有 {package} 却没有 {who}："
                    f"授予角色包须持有包内全部权限，{who} 将无法授予 {package}。请把 {who} 也列入。"
                )
    return warnings


def warn_about_ungrantable_defaults(host):
    """Attach the warnings to each loaded plugin (shown by ``gridwork plugin list`` and the
    plugins listing) and log them once per app."""
    for plugin in host.loaded():
        if plugin.manifest is None:
            continue
        plugin.warnings = ungrantable_defaults(plugin.name, plugin.manifest.data)
        for warning in plugin.warnings:
            log.warning("功能模块 %s：%s", plugin.name, warning)
