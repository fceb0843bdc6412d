"""The core's own blueprints. (Plugins contribute theirs through hooks — issue #3.)"""


def core_blueprints():
    from core.api.meta import bp as meta_api
    from core.auth.api import bp as auth_api
    from core.auth.views import bp as auth_pages
    from core.ui.views import bp as ui_pages

    return [meta_api, auth_api, auth_pages, ui_pages, *_optional_blueprints()]


def _optional_blueprints():
    """Areas built in parallel; each registers once its module exists."""
    import importlib

    found = []
    for module_name in ("core.orgs.api", "core.orgs.views", "core.users.api", "core.users.views",
                        "core.permissions.api", "core.permissions.views", "core.audit.views"):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if not module_name.startswith(error.name or "\0"):
                raise
            continue
        found.append(module.bp)
    return found
