"""Data scope (数据范围): the org subtrees where a user holds a permission, applied in SQL.

Casbin answers yes/no for one request; lists are filtered here. A tenant table read
without a scope raises (``core.db.UnscopedQueryError``): forgetting the filter fails closed.

A scope is a set of subtrees, each optionally with holes: for a plugin permission the
subtrees where the plugin is switched off are cut out (``holes[i]`` belongs to ``paths[i]``).

In SQL each subtree is a byte-wise range (``ranges.subtree_range``), never ``LIKE``, so a
B-tree index on the path column serves every scoped query on SQLite and PostgreSQL (there
built with ``text_pattern_ops``; docs/plugins.md, "Tables and migrations").
"""

from dataclasses import dataclass

from sqlalchemy import and_, false, not_, or_
from sqlmodel import select

from core.db import SCOPED, system_query
from core.tree.models import OrgNode
from core.tree.paths import covers
from core.tree.ranges import subtree_range


@dataclass(frozen=True)
class DataScope:
    paths: tuple
    holes: tuple = ()

    @classmethod
    def from_terms(cls, terms):
        return cls(tuple(path for path, _ in terms), tuple(holes for _, holes in terms))

    def terms(self):
        return [(path, self.holes[i] if i < len(self.holes) else ()) for i, path in enumerate(self.paths)]

    def covers(self, path):
        return any(covers(root, path) and not any(covers(hole, path) for hole in holes) for root, holes in self.terms())

    def clause(self, column):
        if not self.paths:
            return false()
        return or_(
            *[
                and_(subtree_range(column, root), *[not_(subtree_range(column, hole)) for hole in holes])
                for root, holes in self.terms()
            ]
        )

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


def whole_tree_scope(db):
    """A scope over every county, for system callers (CLI) that act on the whole tree."""
    roots = db.exec(
        system_query(select(OrgNode.path).where(OrgNode.parent_id.is_(None)), "system callers act on every county")
    ).all()
    return DataScope(tuple(sorted(roots)))
