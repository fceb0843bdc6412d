"""Data scope (数据范围): the org subtrees where a user holds a permission, applied in SQL.

Casbin answers yes/no for one request; lists are filtered here. A tenant table read
without a scope raises (``core.db.UnscopedQueryError``): forgetting the filter fails closed.
"""
from dataclasses import dataclass

from sqlalchemy import false, or_

from core.db import SCOPED
from core.permissions.ids import covers


@dataclass(frozen=True)
class DataScope:
    paths: tuple

    def covers(self, path):
        return any(covers(granted, path) for granted in self.paths)

    def clause(self, column):
        if not self.paths:
            return false()
        # autoescape: "_" and "%" in an id must not act as LIKE wildcards.
        return or_(*[(column == path) | column.startswith(path + "/", autoescape=True) for path in self.paths])

    def __bool__(self):
        return bool(self.paths)


def scoped(statement, scope, column):
    """``statement`` limited to ``scope`` on ``column`` (an org-path column)."""
    if not isinstance(scope, DataScope):
        raise TypeError("scoped() needs a DataScope")
    return statement.where(scope.clause(column)).execution_options(**{SCOPED: True})


def scope_of_model(statement, scope, model):
    """Like ``scoped`` for a model that names its path column in ``__tenant_path_column__``."""
    return scoped(statement, scope, getattr(model, model.__tenant_path_column__))
