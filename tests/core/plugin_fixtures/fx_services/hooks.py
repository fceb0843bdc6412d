"""A service other plugins reach through ``core.public.call_service``."""
from core.public import hookimpl


def greet(name):
    return f"你好，{name}"


@hookimpl
def gridwork_services():
    return {"fx_services.greet": greet}
