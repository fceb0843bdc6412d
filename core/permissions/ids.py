"""Strict identifiers for everything that enters a Casbin rule.

Casbin serialises rules as comma-joined text and keeps a cache per domain string, so only
opaque, validated ids go in: never names or free text (library-notes §2.7, §2.10).
"""
import re

from core.orgs.models import PATH_PATTERN

PACKAGE_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_PATH = re.compile(PATH_PATTERN)


def user_subject(user_id):
    return f"u:{int(user_id)}"


def package_subject(package_name):
    if not isinstance(package_name, str) or not PACKAGE_NAME_PATTERN.fullmatch(package_name):
        raise ValueError(f"角色包标识不正确：{package_name!r}")
    return f"pkg:{package_name}"


def package_name_of(subject):
    return subject.removeprefix("pkg:")


def user_id_of(subject):
    return int(subject.removeprefix("u:"))


def is_valid_path(path):
    # fullmatch: "$" alone would also accept a trailing newline.
    return isinstance(path, str) and bool(_PATH.fullmatch(path))


def covers(grant_path, path):
    """A grant at ``grant_path`` covers that node and everything below it — never a sibling
    whose id merely starts with the same letters (``c01/s03`` covers ``c01/s03/m07``,
    not ``c01/s030``)."""
    return grant_path == "*" or path == grant_path or path.startswith(grant_path + "/")
