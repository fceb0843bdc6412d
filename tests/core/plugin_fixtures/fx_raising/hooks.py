"""A startup hook with a bug."""

from core.public import hookimpl


@hookimpl
def gridwork_blueprints():
    raise RuntimeError("故意出错")
