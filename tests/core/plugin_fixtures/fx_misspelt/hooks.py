"""A typo in a hook name must be an error, not silence."""

from core.public import hookimpl


@hookimpl
def gridwork_blueprintz():
    return []
