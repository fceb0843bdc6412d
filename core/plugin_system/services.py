"""Services plugins offer each other through the core ("resident by id"), so no plugin
imports another."""
from core.state import state_of


class ServiceUnavailable(LookupError):
    pass


def call_service(name, /, **kwargs):
    """Call the service ``<plugin>.<service>``; raises ServiceUnavailable when no loaded
    plugin offers it (e.g. the plugin is not installed)."""
    service = state_of().services.get(name)
    if service is None:
        raise ServiceUnavailable(f"服务不可用：{name}")
    return service(**kwargs)
