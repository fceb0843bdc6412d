"""Services other plugins reach through ``core.public.call_service``."""

from core.public import hookimpl


def greet(person):
    return f"你好，{person}"


def find_by_name(name):
    return {"name": name, "found": True}


@hookimpl
def gridwork_services():
    return {"fx_services.greet": greet, "fx_services.find_by_name": find_by_name}
