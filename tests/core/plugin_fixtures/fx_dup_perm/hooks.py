"""Returns a permission whose name the test chooses (someone else's, or its own twice)."""

from core.public import Permission, hookimpl


@hookimpl
def gridwork_permissions(config):
    return [Permission(config["FX_DUP_PERMISSION"], "重复的权限")]
