"""Path rules of the org tree: node kinds, id and path patterns, and which grant covers what.

A node's path is its ancestors' ids and its own joined by "/" (``c01/s03/m07/g12``); ids
are opaque, lower-case and short, so they are safe in Casbin rules and URLs.
"""

import re

KINDS = ("county", "street", "community", "grid")
KIND_TITLES = {"county": "县/区", "street": "街道/乡镇", "community": "社区/村", "grid": "网格"}
NODE_ID_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
PATH_PATTERN = r"^[a-z][a-z0-9_]{0,31}(/[a-z][a-z0-9_]{0,31}){0,7}$"
# First letter of generated ids, so an id hints at its level (m7k2q9 is a community).
KIND_LETTERS = {"county": "c", "street": "s", "community": "m", "grid": "g"}
_PATH = re.compile(PATH_PATTERN)


def parent_kind(kind):
    """The kind a node of ``kind`` must hang under; None for a county (a root)."""
    index = KINDS.index(kind)
    return KINDS[index - 1] if index else None


def child_kind(kind):
    """The kind of a node's children; None for a grid (a leaf)."""
    index = KINDS.index(kind)
    return KINDS[index + 1] if index + 1 < len(KINDS) else None


def is_valid_path(path):
    # fullmatch: "$" alone would also accept a trailing newline.
    return isinstance(path, str) and bool(_PATH.fullmatch(path))


def covers(grant_path, path):
    """A grant at ``grant_path`` covers that node and everything below it — never a sibling
    whose id merely starts with the same letters (``c01/s03`` covers ``c01/s03/m07``,
    not ``c01/s030``)."""
    return grant_path == "*" or path == grant_path or path.startswith(grant_path + "/")


def ancestors_and_self(path):
    """``c1/s1/m1`` → [``c1``, ``c1/s1``, ``c1/s1/m1``]."""
    parts = path.split("/")
    return ["/".join(parts[: end + 1]) for end in range(len(parts))]
