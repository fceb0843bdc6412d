"""A permission beyond the manifest's, contributed through the hook."""

from core.public import Permission, hookimpl


@hookimpl
def gridwork_permissions():
    return [Permission("fx_perms.export", "导出测试数据", "Export test data")]
