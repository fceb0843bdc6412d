"""Ranges that B-tree indexes serve on both databases: "starts with" and "this org subtree"
without ``LIKE``. ``DataScope.clause`` renders every scope through them, and plugins use
them (``core.public``) for their own prefix filters.

Neither database uses a plain index for ``LIKE 'x%'``: SQLite's LIKE ignores (ASCII) case,
PostgreSQL's needs the C collation. A range ``low <= column < high`` compared code point by
code point is served by both: SQLite compares text with BINARY (byte-wise UTF-8, i.e. code
point order) unless told otherwise; on PostgreSQL the ``~>=~``/``~<~`` operators compare
bytes whatever the database collation and use an index built with ``text_pattern_ops``
(docs/plugins.md, "Tables and migrations"). A plain ``>=`` would follow the collation: a
Chinese ICU collation orders names by pinyin, where a range would miss names, and sorts
"_" before "0", where ``c01/s01_x`` would fall inside ``c01/s01``'s subtree. The bounds are
bound parameters, so ``%``, ``_`` and ``\\`` are plain characters.
"""

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import NullType


def subtree_range(column, path):
    """``path`` and everything below it: ["c1/s1", "c1/s10") in code point order — "0" is
    the character after "/", and org ids use only ``[a-z0-9_]`` (``PATH_PATTERN``), so no
    sibling such as "c1/s10" or "c1/s1_x" falls inside. Only a value with a character
    below "0" right after ``path`` ("c1/s1-x", "c1/s1.x") would, and no path has one."""
    return prefix_range(column, path, path + "0")


def after_prefix(prefix):
    """The smallest string after every string that starts with ``prefix`` (code-point
    order): the last character incremented, carrying over U+10FFFF and skipping the
    surrogates, which are no characters; None when there is no such string."""
    for cut in range(len(prefix) - 1, -1, -1):
        point = ord(prefix[cut]) + 1
        point = 0xE000 if point == 0xD800 else point
        if point <= 0x10FFFF:
            return prefix[:cut] + chr(point)
    return None


class prefix_range(FunctionElement):  # noqa: N801  (an SQL construct, named like func.*)
    """``column >= low AND column < high`` in code point order; ``high`` None: no upper
    bound. ``prefix_range(column, p, after_prefix(p))``: the values starting with ``p``."""

    type = NullType()  # not Boolean: SQLite would get "(…) = 1", which no index serves
    inherit_cache = True
    name = "prefix_range"

    def __init__(self, column, low, high):
        super().__init__(column, low, *([] if high is None else [high]))


def _render_range(element, compiler, greater_equal, less, **kw):
    column, *bounds = [compiler.process(clause, **kw) for clause in element.clauses]
    parts = [f"{column} {greater_equal} {bounds[0]}"] + [f"{column} {less} {bound}" for bound in bounds[1:]]
    return "(" + " AND ".join(parts) + ")"


@compiles(prefix_range)
def _binary_range(element, compiler, **kw):
    return _render_range(element, compiler, ">=", "<", **kw)


@compiles(prefix_range, "postgresql")
def _pattern_range(element, compiler, **kw):
    return _render_range(element, compiler, "~>=~", "~<~", **kw)
